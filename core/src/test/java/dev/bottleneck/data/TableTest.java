package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableTest {
    private static Table labelled() {
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        return new Table(v, 4, 2, List.of("a", "b"), new String[] {"w", "x", "y", "z"}, "cls", null, "t");
    }

    @Test
    void accessorsAndCopies() {
        Table t = labelled();
        assertEquals(4, t.rows());
        assertEquals(2, t.cols());
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(6f, t.get(2, 1));
        float[] row = t.row(1);
        assertArrayEquals(new float[] {3, 4}, row);
        row[0] = 99;
        assertEquals(3f, t.get(1, 0), "row() must return a copy");
        assertEquals("cls", t.labelColumn().orElseThrow());
        assertEquals(List.of("w", "x", "y", "z"), t.labels());
        assertThrows(UnsupportedOperationException.class, () -> t.labels().set(0, "q"));
        assertFalse(t.imageShape().isPresent());
    }

    @Test
    void constructorCopiesItsArrays() {
        float[] v = {1, 2};
        Table t = new Table(v, 1, 2, List.of("a", "b"), null, null, null, null);
        v[0] = 42;
        assertEquals(1f, t.get(0, 0));
    }

    @Test
    void copyRowsGathersInOrder() {
        Table t = labelled();
        float[] dst = new float[6];
        t.copyRows(new int[] {3, 0, 2, 1}, 1, 3, dst);
        assertArrayEquals(new float[] {1, 2, 5, 6, 3, 4}, dst);
        assertThrows(IllegalArgumentException.class, () -> t.copyRows(new int[] {0, 1}, 0, 2, new float[3]));
    }

    @Test
    void selectKeepsLabelsWithTheirRows() {
        Table s = labelled().select(new int[] {2, 0});
        assertEquals(2, s.rows());
        assertArrayEquals(new float[] {5, 6}, s.row(0));
        assertEquals(List.of("y", "w"), s.labels());
        assertEquals("cls", s.labelColumn().orElseThrow());
    }

    @Test
    void withValuesKeepsMetadata() {
        Table t = new Table(new float[4], 1, 4, List.of("p0", "p1", "p2", "p3"), new String[] {"7"}, "label",
                new int[] {1, 2, 2}, "img");
        Table u = t.withValues(new float[] {1, 2, 3, 4});
        assertArrayEquals(new int[] {1, 2, 2}, u.imageShape().orElseThrow());
        assertEquals("7", u.label(0));
        assertEquals(4f, u.get(0, 3));
        assertThrows(IllegalArgumentException.class, () -> t.withValues(new float[3]));
    }

    @Test
    void constructorValidatesShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> new Table(new float[5], 2, 3, List.of("a", "b", "c"), null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Table(new float[6], 2, 3, List.of("a", "b"), null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Table(new float[6], 2, 3, List.of("a", "b", "a"), null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Table(new float[6], 2, 3, List.of("a", "b", "c"), new String[1], null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Table(new float[6], 2, 3, List.of("a", "b", "c"), null, null, new int[] {1, 2, 2}, null));
    }

    @Test
    void ofBuildsFromArraysAndRejectsRaggedRows() {
        Table t = Table.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(3, t.rows());
        assertEquals(List.of("x0", "x1"), t.columns());
        assertFalse(t.hasLabels());
        BottleneckException e = assertThrows(BottleneckException.class, () -> Table.of(new float[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1 has 1 values"), e.getMessage());
    }
}

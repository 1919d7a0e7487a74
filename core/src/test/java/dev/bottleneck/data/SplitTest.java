package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitTest {
    /** Row i holds the value i and the label "r" + i, so rows can be traced through a split. */
    private static Table numbered(int n) {
        float[] v = new float[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
            labels[i] = "r" + i;
        }
        return new Table(v, n, 1, List.of("id"), labels, "name", null, "numbered");
    }

    private static Set<Float> ids(Table t) {
        Set<Float> s = new HashSet<>();
        for (int r = 0; r < t.rows(); r++) {
            s.add(t.get(r, 0));
        }
        return s;
    }

    @Test
    void sizesAddUpAndPartsAreDisjoint() {
        Split s = Split.of(numbered(1000), 0.2, 7);
        assertEquals(200, s.validation().rows());
        assertEquals(800, s.train().rows());
        Set<Float> train = ids(s.train());
        Set<Float> val = ids(s.validation());
        assertEquals(800, train.size());
        assertEquals(200, val.size());
        train.retainAll(val);
        assertTrue(train.isEmpty());
        for (int r = 0; r < s.validation().rows(); r++) {
            assertEquals("r" + (int) s.validation().get(r, 0), s.validation().label(r), "labels follow their rows");
        }
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplit() {
        Table t = numbered(500);
        assertEquals(ids(Split.of(t, 0.1, 42).validation()), ids(Split.of(t, 0.1, 42).validation()));
        assertNotEquals(ids(Split.of(t, 0.1, 42).validation()), ids(Split.of(t, 0.1, 43).validation()));
    }

    @Test
    void zeroFractionGivesEmptyValidation() {
        Split s = Split.of(numbered(10), 0, 1);
        assertEquals(10, s.train().rows());
        assertEquals(0, s.validation().rows());
        assertFalse(s.hasValidation());
        assertEquals(1, s.validation().cols());
    }

    @Test
    void tinyTablesStillGetOneValidationRow() {
        Split s = Split.of(numbered(2), 0.01, 1);
        assertEquals(1, s.validation().rows());
        assertEquals(1, s.train().rows());
        Split big = Split.of(numbered(3), 0.99, 1);
        assertEquals(1, big.train().rows(), "training keeps at least one row");
    }

    @Test
    void fractionOutOfRange() {
        Table t = numbered(10);
        for (double f : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> Split.of(t, f, 1));
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }
    }
}

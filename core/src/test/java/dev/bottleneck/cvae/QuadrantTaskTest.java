package dev.bottleneck.cvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Fixtures;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Images cut into (given quadrants, the rest) and put back together. */
class QuadrantTaskTest {
    @Test
    void pairsPutTheGivenQuadrantFirstAndComposeRestoresTheImage() {
        Table images = Fixtures.fashion(5);
        for (int given = 1; given <= 3; given++) {
            QuadrantTask task = QuadrantTask.forImages(images, given);
            assertEquals(196 * given, task.inputWidth());
            assertEquals(784 - 196 * given, task.outputWidth());
            Table pairs = task.pairs(images);
            assertEquals(784, pairs.cols());
            assertEquals(images.labels(), pairs.labels());
            for (int i = 0; i < images.rows(); i++) {
                float[] r = pairs.row(i);
                float[] back = task.compose(Arrays.copyOf(r, task.inputWidth()), Arrays.copyOfRange(r, task.inputWidth(), 784));
                assertArrayEquals(images.row(i), back);
            }
        }
        // one given quadrant is the bottom-left one: x starts at (row 14, col 0) and ends at (27, 13)
        QuadrantTask one = QuadrantTask.forImages(images, 1);
        float[] img = images.row(3);
        float[] x = Arrays.copyOf(one.pairs(images).row(3), 196);
        assertEquals(img[14 * 28], x[0]);
        assertEquals(img[14 * 28 + 13], x[13]);
        assertEquals(img[15 * 28], x[14]);
        assertEquals(img[27 * 28 + 13], x[195]);
    }

    @Test
    void givenOnlyGreysOutTheMissingPixels() {
        QuadrantTask task = new QuadrantTask(1, 4, 4, 1);
        float[] x = {1, 1, 1, 1};
        float[] img = task.givenOnly(x, 0.5f);
        // bottom-left 2×2 block of a 4×4 image
        assertArrayEquals(new float[] {.5f, .5f, .5f, .5f, .5f, .5f, .5f, .5f, 1, 1, .5f, .5f, 1, 1, .5f, .5f}, img);
    }

    @Test
    void badInputIsOneSentence() {
        Table wdbc = Fixtures.wdbc();
        String notImages = assertThrows(BottleneckException.class, () -> QuadrantTask.forImages(wdbc, 1)).getMessage();
        assertTrue(notImages.contains("not images") && notImages.contains("IDX"), notImages);
        String quadrants = assertThrows(BottleneckException.class, () -> new QuadrantTask(1, 28, 28, 4)).getMessage();
        assertTrue(quadrants.contains("1, 2 or 3, got 4"), quadrants);
        String odd = assertThrows(BottleneckException.class, () -> new QuadrantTask(1, 27, 28, 1)).getMessage();
        assertTrue(odd.contains("even height and width"), odd);
        Table small = new Table(new float[2 * 64], 2, 64, names(64), null, null, new int[] {1, 8, 8}, "small.idx");
        String shape = assertThrows(BottleneckException.class,
                () -> new QuadrantTask(1, 28, 28, 1).pairs(small)).getMessage();
        assertTrue(shape.contains("small.idx holds 1×8×8 images but the model completes 1×28×28"), shape);
    }

    private static List<String> names(int n) {
        String[] s = new String[n];
        Arrays.setAll(s, i -> "p" + i);
        return List.of(s);
    }
}

package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * BatchTopK's selection (which looks for the cut among each row's largest entries first) against
 * the definition computed in plain Java: keep the batch's n largest positive entries. The cases
 * are the ones where the shortcut could go wrong: one row holding most of the batch's largest
 * entries, and a batch with fewer positive entries than n.
 */
class TopKSelectionTest {
    static final int ROWS = 64;
    static final int WIDTH = 256;
    static final int K = 8;
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Rectified Gaussian entries; distinct with probability one. */
    private static float[] relu(Random random, double positiveShift) {
        float[] x = new float[ROWS * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(0, random.nextGaussian() + positiveShift);
        }
        return x;
    }

    private static float nthLargest(float[] x, int n) {
        float[] sorted = x.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - Math.min(n, sorted.length)];
    }

    private static float[] reference(float[] x, int n) {
        float kth = nthLargest(x, n);
        float[] kept = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            kept[i] = x[i] > 0 && x[i] >= kth ? x[i] : 0f;
        }
        return kept;
    }

    private static void assertSelectionIsTheDefinition(float[] x, int n) {
        assertSelectionIsTheDefinition(x, n, 0f);
    }

    private static void assertSelectionIsTheDefinition(float[] x, int n, float floor) {
        try (NDManager m = manager.newSubManager()) {
            NDArray post = m.create(x, new Shape(ROWS, WIDTH));
            TopKSelection.BatchSelection s = TopKSelection.perBatch(post, n, floor);
            assertArrayEquals(reference(x, n), s.code().toFloatArray());
            // the cut feeds BatchTopK's inference threshold
            assertEquals(nthLargest(x, n), s.cut().getFloat());
        }
    }

    /**
     * The floor (a fraction of the previous batch's cut) is only a guess: below the cut, just
     * below it, exactly at it, above it (too few entries reach it) and below every entry, the
     * selection is the definition's. Both ends of the search over the entries above the floor
     * are taken: few entries above the floor (look up from the smallest) and many (look down).
     */
    @Test
    void anyFloorGivesTheDefinitionsSelection() {
        float[] x = relu(new Random(4), 0);
        int n = K * ROWS;
        float cut = nthLargest(x, n);
        for (float floor : new float[] {0.9f * cut, Math.nextDown(cut), cut, 1.1f * cut, 1e-6f,
                nthLargest(x, n + 10), nthLargest(x, 3 * n)}) {
            assertSelectionIsTheDefinition(x, n, floor);
        }
    }

    @Test
    void rowsOfSimilarScaleAreSelectedExactly() {
        assertSelectionIsTheDefinition(relu(new Random(1), 0), K * ROWS);
    }

    @Test
    void oneRowHoldingMostOfTheLargestEntriesIsSelectedExactly() {
        float[] x = relu(new Random(2), 0);
        // row 5 outranks every other entry, so the batch keeps all WIDTH of its entries: far more
        // than that row's candidates
        for (int j = 0; j < WIDTH; j++) {
            x[5 * WIDTH + j] = 10f + j;
        }
        assertSelectionIsTheDefinition(x, K * ROWS);
    }

    @Test
    void aBatchWithFewerPositiveEntriesThanNKeepsThemAll() {
        float[] x = relu(new Random(3), -3.2);   // about 0.07 % positive: fewer than K per row
        assertSelectionIsTheDefinition(x, K * ROWS);
    }
}

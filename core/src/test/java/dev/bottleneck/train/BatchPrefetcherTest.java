package dev.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

class BatchPrefetcherTest {
    static final int D = 3;
    static final float[] ROWS = new float[10 * D];

    static {
        for (int i = 0; i < ROWS.length; i++) {
            ROWS[i] = i; // row r holds 3r, 3r+1, 3r+2
        }
    }

    @Test
    void prefetchedAndDirectBatchesHoldTheOrderedRows() {
        int[] order = {9, 2, 5, 0, 7, 1, 3};
        try (BatchPrefetcher p = new BatchPrefetcher(ROWS, D, 3)) {
            ByteBuffer first = p.take(order, 0, 3);        // nothing prefetched: gathered here
            assertArrayEquals(rows(9, 2, 5), floats(first));
            p.prefetch(order, 3, 3);
            ByteBuffer second = p.take(order, 3, 3);       // the prefetched one
            assertNotSame(first, second);
            assertArrayEquals(rows(0, 7, 1), floats(second));
            p.prefetch(order, 6, 1);
            assertArrayEquals(rows(3), floats(p.take(order, 6, 1)));   // a short last batch
        }
    }

    @Test
    void aPrefetchForAnotherBatchIsNotHandedOut() {
        int[] order = {4, 8, 6, 2};
        int[] nextEpoch = {1, 3, 5, 7};
        try (BatchPrefetcher p = new BatchPrefetcher(ROWS, D, 2)) {
            p.prefetch(order, 2, 2);
            assertArrayEquals(rows(1, 3), floats(p.take(nextEpoch, 0, 2)));
            p.prefetch(nextEpoch, 2, 2);
            assertArrayEquals(rows(6, 2), floats(p.take(order, 2, 2)));
        }
    }

    private static float[] rows(int... r) {
        float[] out = new float[r.length * D];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(ROWS, r[i] * D, out, i * D, D);
        }
        return out;
    }

    private static float[] floats(ByteBuffer b) {
        float[] out = new float[b.remaining() / Float.BYTES];
        b.duplicate().order(b.order()).asFloatBuffer().get(out);
        return out;
    }
}

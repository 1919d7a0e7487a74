package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.neighbours.NearestRows;

/**
 * The mean-shift step of Mean-Shift Scoring (Yang, Rahardja &amp; Fränti, "Mean-shift outlier
 * detection"; used on autoencoders by Tan et al., MSS-PAE): a row is replaced by the mean of itself
 * and its k−1 nearest reference rows, and that is repeated. Inliers sit among their neighbours and
 * barely move; an outlier is pulled towards the data. Comparing a reconstruction with the shifted
 * row instead of the row itself exposes outliers the autoencoder reconstructs unexpectedly well.
 *
 * <p>Neighbours are found on the engine ({@link NearestRows}), so the cost is a GEMM of the query
 * chunk against the reference rows.
 */
public final class MeanShift {
    private MeanShift() {}

    /**
     * Shifts every query row {@code iterations} times.
     *
     * @param manager where the temporaries live (a sub-manager is opened and closed per chunk)
     * @param reference reference rows (n × d, row-major), e.g. the scaled training rows
     * @param queries rows to shift (m × d, row-major), in the same units
     * @param d values per row
     * @param k neighbourhood size including the row itself (k ≥ 2; k − 1 ≤ n)
     * @param iterations how many times to shift (≥ 1)
     * @return the shifted rows, m × d row-major
     */
    public static float[] shift(NDManager manager, float[] reference, float[] queries, int d, int k, int iterations) {
        int n = reference.length / d;
        int m = queries.length / d;
        if (k < 2) {
            throw new BottleneckException("mean-shift needs a neighbourhood of k ≥ 2 rows, got k = " + k);
        }
        if (k - 1 > n) {
            throw new BottleneckException("mean-shift with k = " + k + " needs at least " + (k - 1)
                    + " reference rows, but there are " + n + " (choose a smaller k)");
        }
        if (iterations < 1) {
            throw new BottleneckException("mean-shift needs at least 1 iteration, got " + iterations);
        }
        Engines.inferenceMode();
        float[] out = new float[queries.length];
        int chunk = NearestRows.chunkRows(m, n);
        try (NDManager refManager = manager.newSubManager()) {
            NearestRows.Reference ref = NearestRows.Reference.of(refManager, reference, d);
            for (int start = 0; start < m; start += chunk) {
                int c = Math.min(chunk, m - start);
                try (NDManager sub = refManager.newSubManager()) {
                    NDArray q = sub.create(java.util.Arrays.copyOfRange(queries, start * d, (start + c) * d), new Shape(c, d));
                    for (int it = 0; it < iterations; it++) {
                        q = step(q, ref, k);
                    }
                    System.arraycopy(q.toFloatArray(), 0, out, start * d, c * d);
                }
            }
        }
        return out;
    }

    /**
     * One shift: each row becomes the mean of itself and its k−1 nearest reference rows. Every
     * temporary is made from (or moved to) the query chunk's manager, so it is freed with the
     * chunk: DJL attaches a result to its first operand's manager, which for the reference rows
     * would keep a chunk × reference distance matrix alive until the whole shift ends.
     */
    private static NDArray step(NDArray q, NearestRows.Reference ref, int k) {
        NDManager m = q.getManager();
        long c = q.getShape().get(0);
        long d = q.getShape().get(1);
        NDArray idx = NearestRows.nearest(q, ref, k - 1).get(1).reshape(-1);
        NDArray neighbours = ref.rows().get(new NDIndex("{}", idx));
        neighbours.attach(m);
        return neighbours.reshape(c, k - 1, d).sum(new int[] {1}).add(q).div((float) k);
    }
}

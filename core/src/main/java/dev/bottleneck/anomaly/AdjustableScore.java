package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.objective.Objective;

/**
 * The scoring half of MSS-PAE (Tan et al.): the adjustable probabilistic reconstruction error
 * APRE = α·Σ(μ−x̃)²/σ² + β·Σ log σ², where μ and σ² are what the probabilistic autoencoder predicts
 * for the row x, and x̃ is x mean-shifted towards its nearest training rows ({@link MeanShift}).
 * α weighs how far the row is from the prediction in units of the network's own uncertainty; β
 * weighs the uncertainty itself (a row the network is unsure about is unusual too).
 */
final class AdjustableScore {
    private static final int CHUNK = 4096;

    private AdjustableScore() {}

    /**
     * APRE of every row.
     *
     * @param model a model trained with {@link Objective#PRE}
     * @param scaled rows in the model's scaled units (n × d, row-major)
     * @param pool training rows to shift towards (scaled), or null for no shift
     */
    static double[] score(Autoencoder model, float[] scaled, float[] pool, DetectorConfig c) {
        int d = model.inputWidth();
        int n = scaled.length / d;
        float[] target = scaled;
        if (pool != null && c.meanShiftIterations() > 0) {
            int k = c.meanShiftK() > 0 ? c.meanShiftK() : DetectorConfig.defaultMeanShiftK(pool.length / d);
            target = MeanShift.shift(model.manager(), pool, scaled, d, k, c.meanShiftIterations());
        }
        double[] out = new double[n];
        Engines.inferenceMode();
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            try (NDManager sub = model.manager().newSubManager()) {
                NDArray x = sub.create(java.util.Arrays.copyOfRange(scaled, start * d, (start + m) * d), new Shape(m, d));
                NDArray t = sub.create(java.util.Arrays.copyOfRange(target, start * d, (start + m) * d), new Shape(m, d));
                NDArray[] muLogVar = Objective.meanAndLogVariance(model.forward(x, false).decoderOutput());
                NDArray error = muLogVar[0].sub(t).square().mul(muLogVar[1].neg().exp()).sum(new int[] {1});
                NDArray uncertainty = muLogVar[1].sum(new int[] {1});
                float[] s = error.mul((float) c.alpha()).add(uncertainty.mul((float) c.beta())).toFloatArray();
                for (int i = 0; i < m; i++) {
                    out[start + i] = s[i];
                }
            }
        }
        return out;
    }
}

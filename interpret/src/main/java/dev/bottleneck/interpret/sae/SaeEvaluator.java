package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.StoreInfo;

/**
 * Computes {@link SaeMetrics} over a store split in one pass, without holding the rows. For a
 * transcoder the FVU is of its prediction of the target hook, around the target's mean. The SAE
 * runs as at inference (BatchTopK with its threshold, gradient TopK as plain TopK), on the store's
 * rows rescaled from the store's activation scale to the SAE's.
 */
public final class SaeEvaluator {
    private SaeEvaluator() {}

    /** Metrics on at most {@code maxRows} rows (≤ 0: all) of {@code split}, in the SAE's scaled space. */
    public static SaeMetrics evaluate(SparseAutoencoder sae, ActivationStore store, ActivationStore.Split split,
            long maxRows, int batchSize) {
        SaeConfig c = sae.config();
        StoreTrainingData.check(store, c);
        ActivationStore.Batches data = store.batches(split, batchSize, false, 0, true, maxRows);
        // rows come scaled by the store's scale; an SAE trained on another corpus (or imported) has its own
        StoreInfo info = store.info();
        float inRatio = (float) (c.scale() / info.scale());
        float outRatio = c.isTranscoder() ? (float) (c.targetScale() / info.targetScale()) : inRatio;
        double[] sum = new double[c.dOut()];
        double sumSq = 0;
        double err = 0;
        double active = 0;
        double[] fires = new double[c.dSae()];
        long rows = 0;
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            while (data.hasNext()) {
                try (NDManager m = sae.manager().newSubManager()) {
                    NDArray x;
                    NDArray y;
                    if (c.isTranscoder()) {
                        ai.djl.ndarray.NDList pair = data.nextPair(m);
                        x = rescaled(pair.get(0), inRatio);
                        y = rescaled(pair.get(1), outRatio);
                    } else {
                        x = rescaled(data.next(m), inRatio);
                        y = x;
                    }
                    SaeForward f = sae.forward(x);
                    err += f.reconstruction().sub(y).square().sum().getFloat();
                    sumSq += y.square().sum().getFloat();
                    float[] s = y.sum(new int[] {0}).toFloatArray();
                    for (int j = 0; j < s.length; j++) {
                        sum[j] += s[j];
                    }
                    float[] fired = f.code().gt(0f).toType(DataType.FLOAT32, false).sum(new int[] {0}).toFloatArray();
                    for (int j = 0; j < fired.length; j++) {
                        fires[j] += fired[j];
                        active += fired[j];
                    }
                    rows += x.getShape().get(0);
                }
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        }
        double meanSq = 0;
        for (double s : sum) {
            meanSq += s * s;
        }
        double variance = sumSq - meanSq / Math.max(1, rows);
        double dead = 0;
        double dense = 0;
        double[] density = new double[c.dSae()];
        for (int j = 0; j < fires.length; j++) {
            density[j] = fires[j] / Math.max(1, rows);
            dead += fires[j] == 0 ? 1 : 0;
            dense += density[j] > 0.1 ? 1 : 0;
        }
        return new SaeMetrics(rows, err / variance, active / Math.max(1, rows), dead / c.dSae(), dense / c.dSae(),
                density);
    }

    /** The rows in the SAE's scaled space; no copy when the store was scaled as the SAE is (the usual case). */
    private static NDArray rescaled(NDArray rows, float ratio) {
        return ratio == 1f ? rows : rows.mul(ratio);
    }
}

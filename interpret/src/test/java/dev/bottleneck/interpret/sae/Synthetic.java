package dev.bottleneck.interpret.sae;

import dev.bottleneck.interpret.store.ActivationStore;

import java.nio.file.Path;
import java.util.Random;

/**
 * Activations with a known sparse structure: each row is the sum of {@code active} of
 * {@code features} random unit directions in d dimensions, with magnitudes in [1, 2], plus an
 * offset (so the mean is not zero) and a little noise.
 */
final class Synthetic {
    private Synthetic() {}

    static ActivationStore store(Path dir, int d, int features, int active, int trainRows, int heldOutRows, long seed) {
        Random r = new Random(seed);
        float[][] dirs = new float[features][d];
        for (float[] f : dirs) {
            double n = 0;
            for (int j = 0; j < d; j++) {
                f[j] = (float) r.nextGaussian();
                n += f[j] * f[j];
            }
            for (int j = 0; j < d; j++) {
                f[j] /= (float) Math.sqrt(n);
            }
        }
        float[] offset = new float[d];
        for (int j = 0; j < d; j++) {
            offset[j] = (float) r.nextGaussian();
        }
        return ActivationStore.create(dir, "blocks.0.hook_resid_post", d, rows(r, dirs, offset, active, trainRows),
                rows(r, dirs, offset, active, heldOutRows), seed);
    }

    private static float[] rows(Random r, float[][] dirs, float[] offset, int active, int n) {
        int d = offset.length;
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < active; a++) {
                float[] f = dirs[r.nextInt(dirs.length)];
                float mag = 1 + r.nextFloat();
                for (int j = 0; j < d; j++) {
                    out[i * d + j] += mag * f[j];
                }
            }
            for (int j = 0; j < d; j++) {
                out[i * d + j] += offset[j] + 0.01f * (float) r.nextGaussian();
            }
        }
        return out;
    }
}

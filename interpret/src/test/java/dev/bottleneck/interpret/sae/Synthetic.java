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
        float[][] dirs = directions(r, features, d);
        float[] offset = offset(r, d);
        return ActivationStore.create(dir, "blocks.0.hook_resid_post", d, rows(r, dirs, offset, active, trainRows, null),
                rows(r, dirs, offset, active, heldOutRows, null), seed);
    }

    /**
     * A paired store for transcoders, {@code blocks.0.hook_mlp_in} → {@code blocks.0.hook_mlp_out}:
     * the input as above, and the target the same features' magnitudes on a second, independent
     * set of directions (a sparse linear map of the input's features) with its own offset.
     */
    static ActivationStore pairedStore(Path dir, int d, int features, int active, int trainRows, int heldOutRows,
            long seed) {
        Random r = new Random(seed);
        float[][] dirs = directions(r, features, d);
        float[][] outDirs = directions(r, features, d);
        float[] offset = offset(r, d);
        float[] outOffset = offset(r, d);
        float[][] train = {null, null};
        float[][] held = {null, null};
        rowsPaired(r, dirs, offset, outDirs, outOffset, active, trainRows, train);
        rowsPaired(r, dirs, offset, outDirs, outOffset, active, heldOutRows, held);
        return ActivationStore.create(dir, "blocks.0.hook_mlp_in", d, train[0], held[0], "blocks.0.hook_mlp_out", d,
                train[1], held[1], seed);
    }

    private static float[][] directions(Random r, int features, int d) {
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
        return dirs;
    }

    private static float[] offset(Random r, int d) {
        float[] offset = new float[d];
        for (int j = 0; j < d; j++) {
            offset[j] = (float) r.nextGaussian();
        }
        return offset;
    }

    private static void rowsPaired(Random r, float[][] dirs, float[] offset, float[][] outDirs, float[] outOffset,
            int active, int n, float[][] out) {
        int d = offset.length;
        out[1] = new float[n * d];
        out[0] = rows(r, dirs, offset, active, n, (i, f, mag) -> {
            for (int j = 0; j < d; j++) {
                out[1][i * d + j] += mag * outDirs[f][j];
            }
        });
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[1][i * d + j] += outOffset[j];
            }
        }
    }

    /** Hears which feature went into a row with which magnitude. */
    private interface FeatureListener {
        void onFeature(int row, int feature, float magnitude);
    }

    private static float[] rows(Random r, float[][] dirs, float[] offset, int active, int n, FeatureListener listener) {
        int d = offset.length;
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < active; a++) {
                int fi = r.nextInt(dirs.length);
                float[] f = dirs[fi];
                float mag = 1 + r.nextFloat();
                for (int j = 0; j < d; j++) {
                    out[i * d + j] += mag * f[j];
                }
                if (listener != null) {
                    listener.onFeature(i, fi, mag);
                }
            }
            for (int j = 0; j < d; j++) {
                out[i * d + j] += offset[j] + 0.01f * (float) r.nextGaussian();
            }
        }
        return out;
    }
}

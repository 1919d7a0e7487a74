package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.nn.SafeConv;

import java.util.Arrays;

/**
 * Gaussian blur of images stored one per row, on the engine: two 1-D passes (rows, then columns)
 * with a kernel of radius ⌈3σ⌉, zero padding, each channel on its own.
 *
 * <p>Why the kNN detector blurs images: a distance between raw pixels counts a garment shifted by
 * one pixel as far from itself as a different garment; after a blur of about a pixel, neighbouring
 * pixels share their mass and small misalignments cost little, while shapes still differ
 * (Fashion-MNIST one-vs-rest: pixel kNN 0.923 mean ROC-AUC, blurred σ = 0.7/1/1.5: 0.936–0.938;
 * BENCHMARKS.md).
 */
final class GaussianSmoothing {
    /** Images per engine call. */
    private static final int CHUNK = 2048;

    private GaussianSmoothing() {}

    /** The normalised 1-D kernel of radius ⌈3σ⌉. */
    static float[] kernel(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        float[] g = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            double v = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            g[i + r] = (float) v;
            sum += v;
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (g[i] / sum);
        }
        return g;
    }

    /**
     * Blurs every row of {@code rows} (n × c·h·w, images of {@code shape} = channels, height, width
     * flattened channel-major as IDX tables hold them); σ in pixels. Temporaries live on the rows'
     * manager. The blur is linear, so blur(x) − blur(y) = blur(x − y).
     */
    static NDArray blur(NDArray rows, int[] shape, double sigma) {
        int c = shape[0];
        int h = shape[1];
        int w = shape[2];
        long n = rows.getShape().get(0);
        float[] g = kernel(sigma);
        int r = g.length / 2;
        NDManager m = rows.getManager();
        NDArray across = m.create(g, new Shape(1, 1, 1, g.length));
        NDArray down = m.create(g, new Shape(1, 1, g.length, 1));
        // every channel of every image becomes one single-channel image
        NDArray y = SafeConv.conv2d(rows.reshape(n * c, 1, h, w), across, 1, 0, r);
        return SafeConv.conv2d(y, down, 1, r, 0).reshape(n, (long) c * h * w);
    }

    /** {@link #blur(NDArray, int[], double)} of row-major floats; σ = 0 returns a copy. */
    static float[] blur(NDManager manager, float[] rows, int[] shape, double sigma) {
        if (sigma <= 0) {
            return rows.clone();
        }
        int d = shape[0] * shape[1] * shape[2];
        int n = rows.length / d;
        float[] out = new float[rows.length];
        Engines.inferenceMode();
        for (int start = 0; start < n; start += CHUNK) {
            int count = Math.min(CHUNK, n - start);
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = sub.create(Arrays.copyOfRange(rows, start * d, (start + count) * d), new Shape(count, d));
                System.arraycopy(blur(x, shape, sigma).toFloatArray(), 0, out, start * d, count * d);
            }
        }
        return out;
    }
}

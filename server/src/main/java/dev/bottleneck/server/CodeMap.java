package dev.bottleneck.server;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;

/**
 * Two coordinates per code for the dashboard's map: the code itself when it has two dimensions,
 * otherwise its first two principal components. DJL 0.36 has no SVD, so the components come
 * from power iteration (with deflation) on the codes' covariance, computed by the engine: the
 * covariance is latent × latent, small, and the top two eigenvectors are all the map needs.
 *
 * @param x first coordinate of each row
 * @param y second coordinate of each row
 * @param xTitle axis title of x
 * @param yTitle axis title of y
 */
record CodeMap(double[] x, double[] y, String xTitle, String yTitle) {
    private static final int ITERATIONS = 300;

    /** The map of {@code codes} (rows × latent); a one-dimensional code is plotted against {@code scores}. */
    static CodeMap of(float[][] codes, double[] scores) {
        int n = codes.length;
        int k = codes[0].length;
        double[] x = new double[n];
        double[] y = new double[n];
        if (k == 1) {
            for (int i = 0; i < n; i++) {
                x[i] = codes[i][0];
                y[i] = scores[i];
            }
            return new CodeMap(x, y, "code", "reconstruction error");
        }
        if (k == 2) {
            for (int i = 0; i < n; i++) {
                x[i] = codes[i][0];
                y[i] = codes[i][1];
            }
            return new CodeMap(x, y, "code dimension 1", "code dimension 2");
        }
        float[] flat = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(codes[i], 0, flat, i * k, k);
        }
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray c = m.create(flat, new Shape(n, k));
            c = c.sub(c.mean(new int[] {0}));
            NDArray cov = c.transpose().matMul(c).div(Math.max(1, n - 1));
            NDArray v1 = topEigenvector(m, cov, k);
            double l1 = v1.transpose().matMul(cov).matMul(v1).getFloat();
            NDArray v2 = topEigenvector(m, cov.sub(v1.matMul(v1.transpose()).mul(l1)), k);
            float[] p1 = c.matMul(v1).toFloatArray();
            float[] p2 = c.matMul(v2).toFloatArray();
            for (int i = 0; i < n; i++) {
                x[i] = p1[i];
                y[i] = p2[i];
            }
        }
        return new CodeMap(x, y, "principal component 1 of the " + k + "-d codes", "principal component 2");
    }

    /** Power iteration from a fixed, uneven start vector (so runs repeat and no axis is favoured). */
    private static NDArray topEigenvector(NDManager m, NDArray a, int k) {
        float[] start = new float[k];
        for (int i = 0; i < k; i++) {
            start[i] = 1f + 0.37f * i;
        }
        NDArray v = m.create(start, new Shape(k, 1));
        v = v.div(v.norm());
        for (int it = 0; it < ITERATIONS; it++) {
            NDArray next = a.matMul(v);
            float norm = next.norm().getFloat();
            if (!(norm > 1e-20f)) {
                return v; // a zero (or degenerate) direction: keep the start vector
            }
            v = next.div(norm);
        }
        return v;
    }
}

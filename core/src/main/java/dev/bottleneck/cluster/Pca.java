package dev.bottleneck.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Principal component analysis: a fixed number of components, or as many as keep a share of the
 * variance (scikit-learn's rule: the fewest whose cumulative share exceeds it).
 *
 * <p>The covariance matrix (d × d) is one double-precision matrix product on the engine,
 * accumulated over row blocks; DJL 0.36 exposes no eigen- or singular-value decomposition, so
 * the small symmetric d × d eigenproblem goes to Apache Commons Math. This equals the SVD route
 * scikit-learn takes up to the signs of the axes.
 */
public final class Pca {
    private static final int BLOCK = 8192;

    private final int components;
    private final double varianceToKeep;

    private Pca(Builder b) {
        this.components = b.components;
        this.varianceToKeep = b.varianceToKeep;
    }

    public static Builder builder() {
        return new Builder();
    }

    public PcaModel fit(float[][] points) {
        int n = points.length;
        if (n < 2) {
            throw new BottleneckException("PCA needs at least 2 rows, got " + n);
        }
        int d = points[0].length;
        if (components > d) {
            throw new BottleneckException("PCA components must be at most the " + d + " columns, got " + components);
        }
        double[] mean = new double[d];
        for (float[] r : points) {
            if (r.length != d) {
                throw new BottleneckException("rows must all have " + d + " values, found one with " + r.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] cov;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray acc = m.zeros(new Shape(d, d), ai.djl.ndarray.types.DataType.FLOAT64);
            for (int start = 0; start < n; start += BLOCK) {
                int count = Math.min(BLOCK, n - start);
                double[] block = new double[count * d];
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < d; j++) {
                        block[i * d + j] = points[start + i][j] - mean[j];
                    }
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray xc = step.create(block, new Shape(count, d));
                    acc.addi(xc.transpose().matMul(xc));
                }
            }
            cov = acc.div(n - 1).toDoubleArray();
        }
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(cov, i * d, c[i], 0, d);
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(c, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -values[i]));
        double total = 0;
        for (double v : values) {
            total += Math.max(0, v);
        }
        int keep = components > 0 ? components : byVariance(values, order, total);
        double[][] axes = new double[keep][];
        double[] variance = new double[keep];
        double[] ratio = new double[keep];
        for (int k = 0; k < keep; k++) {
            int i = order[k];
            RealVector v = eig.getEigenvector(i);
            axes[k] = signed(v.toArray());
            variance[k] = Math.max(0, values[i]);
            ratio[k] = total > 0 ? variance[k] / total : 0;
        }
        return new PcaModel(mean, axes, variance, ratio);
    }

    private int byVariance(double[] values, Integer[] order, double total) {
        double cumulative = 0;
        for (int k = 0; k < order.length; k++) {
            cumulative += Math.max(0, values[order[k]]) / total;
            if (cumulative > varianceToKeep) {
                return k + 1;
            }
        }
        return order.length;
    }

    /** Fixes each axis's sign (largest-magnitude entry positive) so results do not flip between runs. */
    private static double[] signed(double[] v) {
        int arg = 0;
        for (int j = 1; j < v.length; j++) {
            if (Math.abs(v[j]) > Math.abs(v[arg])) {
                arg = j;
            }
        }
        if (v[arg] < 0) {
            for (int j = 0; j < v.length; j++) {
                v[j] = -v[j];
            }
        }
        return v;
    }

    /**
     * DJL-style builder: either {@code optComponents} (a fixed number) or {@code
     * optVarianceToKeep} (a share in (0, 1]); the default keeps 90 % of the variance.
     */
    public static final class Builder {
        private int components;
        private double varianceToKeep = 0.9;

        public Builder optComponents(int v) { components = v; return this; }
        public Builder optVarianceToKeep(double v) { varianceToKeep = v; components = 0; return this; }

        public Pca build() {
            if (components < 0) {
                throw new BottleneckException("PCA components must be 1 or more, got " + components);
            }
            if (components == 0 && !(varianceToKeep > 0 && varianceToKeep <= 1)) {
                throw new BottleneckException("the share of variance to keep must be in (0, 1], got " + varianceToKeep);
            }
            return new Pca(this);
        }
    }
}

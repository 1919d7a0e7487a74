package dev.bottleneck.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;

/**
 * How compact and separated clusters are, for data without labels: silhouette, Calinski–Harabasz
 * and Davies–Bouldin, with scikit-learn's definitions (Euclidean distance). The distance and
 * centroid arithmetic runs on the engine in double precision, so results match scikit-learn's
 * float64 numbers to about 1e-9.
 */
public final class ClusterQuality {
    /** Rows of the pairwise-distance matrix held at once by {@link #silhouette}: 2048 × n doubles. */
    private static final int BLOCK = 2048;

    private ClusterQuality() {}

    /**
     * Mean silhouette over all rows: (b − a) / max(a, b), a = mean distance to the own cluster,
     * b = to the nearest other cluster; 0 for a row alone in its cluster. O(n²·d): sample large
     * data first.
     */
    public static double silhouette(float[][] points, int[] clusters) {
        int k = check(points, clusters);
        int n = points.length;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray x = matrix(m, points);
            NDArray oneHot = oneHot(m, clusters, k);
            double[] size = oneHot.sum(new int[] {0}).toDoubleArray();
            NDArray sq = x.square().sum(new int[] {1});
            double total = 0;
            for (int start = 0; start < n; start += BLOCK) {
                int count = Math.min(BLOCK, n - start);
                try (NDManager block = m.newSubManager()) {
                    NDArray a = x.get(start + ":" + (start + count));
                    a.attach(block);
                    NDArray d2 = a.matMul(x.transpose()).mul(-2)
                            .add(sq.get(start + ":" + (start + count)).reshape(count, 1))
                            .add(sq.reshape(1, n));
                    // sums of distances from each row of the block to every cluster: one matmul
                    double[] sums = d2.maximum(0).sqrt().matMul(oneHot).toDoubleArray();
                    for (int i = 0; i < count; i++) {
                        int own = clusters[start + i];
                        if (size[own] <= 1) {
                            continue; // scikit-learn: a singleton's silhouette is 0
                        }
                        double inner = sums[i * k + own] / (size[own] - 1);
                        double nearest = Double.POSITIVE_INFINITY;
                        for (int c = 0; c < k; c++) {
                            if (c != own && size[c] > 0) {
                                nearest = Math.min(nearest, sums[i * k + c] / size[c]);
                            }
                        }
                        double denom = Math.max(inner, nearest);
                        total += denom > 0 ? (nearest - inner) / denom : 0;
                    }
                }
            }
            return total / n;
        }
    }

    /** Calinski–Harabasz: between-cluster over within-cluster dispersion, each per degree of freedom. */
    public static double calinskiHarabasz(float[][] points, int[] clusters) {
        int k = check(points, clusters);
        int n = points.length;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray x = matrix(m, points);
            NDArray oneHot = oneHot(m, clusters, k);
            NDArray size = oneHot.sum(new int[] {0});
            NDArray centroids = oneHot.transpose().matMul(x).div(size.maximum(1).reshape(k, 1));
            NDArray mean = x.mean(new int[] {0});
            double between = centroids.sub(mean).square().sum(new int[] {1}).mul(size).sum().getDouble();
            double within = x.sub(oneHot.matMul(centroids)).square().sum().getDouble();
            return within == 0 ? 1.0 : between * (n - k) / (within * (k - 1));
        }
    }

    /**
     * Davies–Bouldin: the mean over clusters of the worst ratio (spread of i + spread of j) /
     * distance between their centroids. Lower is better; 0 when all clusters are points.
     */
    public static double daviesBouldin(float[][] points, int[] clusters) {
        int k = check(points, clusters);
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray x = matrix(m, points);
            NDArray oneHot = oneHot(m, clusters, k);
            NDArray size = oneHot.sum(new int[] {0});
            NDArray centroids = oneHot.transpose().matMul(x).div(size.maximum(1).reshape(k, 1));
            NDArray toOwn = x.sub(oneHot.matMul(centroids)).square().sum(new int[] {1}).sqrt();
            double[] spread = oneHot.transpose().matMul(toOwn.reshape(-1, 1)).reshape(k)
                    .div(size.maximum(1)).toDoubleArray();
            double[] between = centroids.expandDims(1).sub(centroids.expandDims(0)).square()
                    .sum(new int[] {2}).sqrt().toDoubleArray();
            boolean allSpreadZero = true;
            boolean allApartZero = true;
            for (int i = 0; i < k; i++) {
                allSpreadZero &= Math.abs(spread[i]) < 1e-8;
                for (int j = 0; j < k; j++) {
                    allApartZero &= Math.abs(between[i * k + j]) < 1e-8;
                }
            }
            if (allSpreadZero || allApartZero) {
                return 0.0;
            }
            double sum = 0;
            for (int i = 0; i < k; i++) {
                double worst = 0;
                for (int j = 0; j < k; j++) {
                    if (j != i && between[i * k + j] > 0) {
                        worst = Math.max(worst, (spread[i] + spread[j]) / between[i * k + j]);
                    }
                }
                sum += worst;
            }
            return sum / k;
        }
    }

    /** Validates the input; returns the number of clusters (labels must be 0..k−1, at least 2 used). */
    private static int check(float[][] points, int[] clusters) {
        if (points == null || clusters == null || points.length == 0) {
            throw new BottleneckException("there are no points to evaluate");
        }
        if (points.length != clusters.length) {
            throw new BottleneckException("there are " + points.length + " points but " + clusters.length
                    + " cluster assignments (expected one per point)");
        }
        int k = 0;
        for (int c : clusters) {
            if (c < 0) {
                throw new BottleneckException("cluster ids must be 0 or more, got " + c);
            }
            k = Math.max(k, c + 1);
        }
        long used = java.util.Arrays.stream(clusters).distinct().count();
        if (used < 2 || used >= points.length) {
            throw new BottleneckException("these scores need between 2 and " + (points.length - 1)
                    + " clusters, got " + used);
        }
        return k;
    }

    private static NDArray matrix(NDManager m, float[][] points) {
        int d = points[0].length;
        double[] flat = new double[points.length * d];
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != d) {
                throw new BottleneckException("point " + i + " has " + points[i].length + " values, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = points[i][j];
            }
        }
        return m.create(flat, new Shape(points.length, d));
    }

    private static NDArray oneHot(NDManager m, int[] clusters, int k) {
        return m.create(clusters).oneHot(k).toType(DataType.FLOAT64, false);
    }
}

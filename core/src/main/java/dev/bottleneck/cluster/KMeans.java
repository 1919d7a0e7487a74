package dev.bottleneck.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;

import java.util.Random;

/**
 * Lloyd's k-means with greedy k-means++ seeding and several restarts, keeping the one with the
 * least inertia — scikit-learn's {@code KMeans} algorithm ("lloyd"), including its seeding (2 +
 * ln k candidates per centre, the one that lowers the potential most wins), its tolerance (on
 * the squared centre shift, relative to the data's mean variance) and its relocation of empty
 * clusters to the rows farthest from their centres.
 *
 * <p>Distances are one matrix product per iteration on the engine (‖x‖² − 2·x·cᵀ + ‖c‖²); the
 * rows are centred first, which keeps that expansion accurate in single precision. Seeded:
 * the same seed gives the same clustering.
 */
public final class KMeans {
    private final int k;
    private final int restarts;
    private final int maxIterations;
    private final double tolerance;
    private final long seed;
    private final float[][] initial;

    private KMeans(Builder b) {
        this.k = b.k;
        this.restarts = b.restarts;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.seed = b.seed;
        this.initial = b.initial;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Clusters the rows. */
    public KMeansResult fit(float[][] points) {
        int n = points.length;
        if (n < k) {
            throw new BottleneckException("k-means with k = " + k + " needs at least " + k + " rows, got " + n);
        }
        int d = points[0].length;
        if (initial != null && initial[0].length != d) {
            throw new BottleneckException("the initial centroids have " + initial[0].length
                    + " values each but the rows have " + d);
        }
        try (NDManager m = Engines.newManager(Device.cpu())) {
            float[] flat = new float[n * d];
            double[] mean = new double[d];
            for (int i = 0; i < n; i++) {
                if (points[i].length != d) {
                    throw new BottleneckException("row " + i + " has " + points[i].length + " values, expected " + d);
                }
                System.arraycopy(points[i], 0, flat, i * d, d);
                for (int j = 0; j < d; j++) {
                    mean[j] += points[i][j];
                }
            }
            for (int j = 0; j < d; j++) {
                mean[j] /= n;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] -= (float) mean[j];
                }
            }
            NDArray meanArray = m.create(toFloat(mean), new Shape(1, d));
            NDArray x = m.create(flat, new Shape(n, d));
            NDArray xSq = x.square().sum(new int[] {1});
            double variance = x.square().mean().getFloat();
            double tolAbs = tolerance * variance;
            Random random = new Random(seed);
            Fit best = null;
            int runs = initial != null ? 1 : restarts;
            for (int r = 0; r < runs; r++) {
                try (NDManager run = m.newSubManager()) {
                    NDArray c = initial != null
                            ? run.create(flatten(initial), new Shape(k, d)).sub(meanArray)
                            : seed(run, x, xSq, flat, d, random);
                    Fit f = lloyd(run, x, xSq, c, tolAbs);
                    if (best == null || f.inertia < best.inertia) {
                        best = f;
                    }
                }
            }
            float[][] centroids = new float[k][d];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    centroids[c][j] = (float) (best.centroids[c * d + j] + mean[j]);
                }
            }
            return new KMeansResult(centroids, best.labels, best.inertia, best.iterations, runs);
        }
    }

    private record Fit(float[] centroids, int[] labels, double inertia, int iterations) {}

    /** Squared distances (n × c) from every row to each centre, clamped at 0 against rounding. */
    static NDArray squaredDistances(NDArray x, NDArray xSq, NDArray centres) {
        NDArray cSq = centres.square().sum(new int[] {1});
        return x.matMul(centres.transpose()).mul(-2).add(xSq.reshape(-1, 1)).add(cSq.reshape(1, -1)).maximum(0);
    }

    /** Greedy k-means++: each new centre is the best of 2 + ln k candidates drawn ∝ D². */
    private NDArray seed(NDManager run, NDArray x, NDArray xSq, float[] rows, int d, Random random) {
        int n = (int) x.getShape().get(0);
        int trials = 2 + (int) Math.log(k);
        int[] chosen = new int[k];
        chosen[0] = random.nextInt(n);
        double[] closest;
        try (NDManager tmp = run.newSubManager()) {
            closest = toDouble(squaredDistances(x, xSq, rows(tmp, rows, d, new int[] {chosen[0]})).toFloatArray());
        }
        double potential = sum(closest);
        for (int c = 1; c < k; c++) {
            double[] cumulative = new double[n];
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += closest[i];
                cumulative[i] = acc;
            }
            int[] candidates = new int[trials];
            for (int t = 0; t < trials; t++) {
                double target = random.nextDouble() * potential;
                int pos = java.util.Arrays.binarySearch(cumulative, target);
                candidates[t] = Math.min(n - 1, pos >= 0 ? pos + 1 : -pos - 1);
            }
            float[] toCandidates;
            try (NDManager tmp = run.newSubManager()) {
                toCandidates = squaredDistances(x, xSq, rows(tmp, rows, d, candidates)).toFloatArray();
            }
            int bestTrial = 0;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                double p = 0;
                for (int i = 0; i < n; i++) {
                    p += Math.min(closest[i], toCandidates[i * trials + t]);
                }
                if (p < bestPotential) {
                    bestPotential = p;
                    bestTrial = t;
                }
            }
            chosen[c] = candidates[bestTrial];
            for (int i = 0; i < n; i++) {
                closest[i] = Math.min(closest[i], toCandidates[i * trials + bestTrial]);
            }
            potential = bestPotential;
        }
        return rows(run, rows, d, chosen);
    }

    private Fit lloyd(NDManager run, NDArray x, NDArray xSq, NDArray centres, double tolAbs) {
        int n = (int) x.getShape().get(0);
        int d = (int) x.getShape().get(1);
        NDArray c = centres;
        int[] labels = null;
        int it = 0;
        while (it < maxIterations) {
            it++;
            try (NDManager step = run.newSubManager()) {
                NDArray dist = squaredDistances(x, xSq, c);
                NDArray assign = dist.argMin(1);
                int[] next = toInt(assign.toLongArray());
                NDArray oneHot = assign.oneHot(k).toType(DataType.FLOAT32, false);
                float[] counts = oneHot.sum(new int[] {0}).toFloatArray();
                NDArray sums = oneHot.transpose().matMul(x);
                float[] newCentres = sums.div(oneHot.sum(new int[] {0}).maximum(1).reshape(k, 1)).toFloatArray();
                relocateEmpty(counts, newCentres, dist, x, d);
                NDArray updated = run.create(newCentres, new Shape(k, d));
                double shift = updated.sub(c).square().sum().getFloat();
                boolean same = labels != null && java.util.Arrays.equals(labels, next);
                labels = next;
                c = updated;
                if (same || shift <= tolAbs) {
                    break;
                }
            }
        }
        // a final assignment step so labels and inertia belong to the returned centres
        NDArray dist = squaredDistances(x, xSq, c);
        labels = toInt(dist.argMin(1).toLongArray());
        double inertia = dist.min(new int[] {1}).toType(DataType.FLOAT64, false).sum().getDouble();
        return new Fit(c.toFloatArray(), labels, inertia, it);
    }

    /** An empty cluster takes the row farthest from its centre (scikit-learn does the same). */
    private void relocateEmpty(float[] counts, float[] centres, NDArray dist, NDArray x, int d) {
        boolean any = false;
        for (float c : counts) {
            any |= c == 0;
        }
        if (!any) {
            return;
        }
        float[] far = dist.min(new int[] {1}).toFloatArray();
        Integer[] order = new Integer[far.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(far[b], far[a]));
        int next = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] == 0) {
                float[] r = x.get(order[next++]).toFloatArray();
                System.arraycopy(r, 0, centres, c * d, d);
            }
        }
    }

    /** The given rows of a row-major array, as a new engine array. */
    private static NDArray rows(NDManager m, float[] rows, int d, int[] which) {
        float[] out = new float[which.length * d];
        for (int i = 0; i < which.length; i++) {
            System.arraycopy(rows, which[i] * d, out, i * d, d);
        }
        return m.create(out, new Shape(which.length, d));
    }

    static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] out = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }

    private static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }

    private static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static int[] toInt(long[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (int) a[i];
        }
        return out;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    /** DJL-style builder: {@code setK} is required; the rest have scikit-learn's defaults. */
    public static final class Builder {
        private int k;
        private int restarts = 10;
        private int maxIterations = 300;
        private double tolerance = 1e-4;
        private long seed = 0;
        private float[][] initial;

        /** Number of clusters, 2 or more. */
        public Builder setK(int v) { k = v; return this; }
        /** Seedings tried, the lowest inertia kept (default 10). */
        public Builder optRestarts(int v) { restarts = v; return this; }
        /** Lloyd iterations per restart at most (default 300). */
        public Builder optMaxIterations(int v) { maxIterations = v; return this; }
        /** Stop when the squared centre shift is below this times the data's mean variance (default 1e-4). */
        public Builder optTolerance(double v) { tolerance = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Start from these centres (k × d) instead of seeding; one run. */
        public Builder optInitialCentroids(float[][] c) { initial = c; return this; }

        public KMeans build() {
            if (initial != null) {
                if (initial.length == 0) {
                    throw new BottleneckException("initial centroids must hold at least 2 centres, got none");
                }
                if (k == 0) {
                    k = initial.length;
                }
                if (initial.length != k) {
                    throw new BottleneckException("k is " + k + " but " + initial.length + " initial centroids were given");
                }
            }
            if (k < 2) {
                throw new BottleneckException("k (the number of clusters) must be 2 or more, got " + k);
            }
            if (restarts < 1) {
                throw new BottleneckException("restarts must be 1 or more, got " + restarts);
            }
            if (maxIterations < 1) {
                throw new BottleneckException("max iterations must be 1 or more, got " + maxIterations);
            }
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new BottleneckException("tolerance must be 0 or more, got " + tolerance);
            }
            return new KMeans(this);
        }
    }
}

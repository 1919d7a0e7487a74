package dev.bottleneck.anomaly;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.neighbours.NearestRows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The k-nearest-neighbour detector (Ramaswamy et al.; PyOD's {@code KNN}): a row's score is its
 * distance to the k-th nearest training row ({@code largest}), or the mean or median of the
 * distances to the k nearest. Tables are standardised with the training statistics (a constant
 * column gets scale 1); images (tables with an image shape) keep their pixel values and are blurred
 * by {@link DetectorConfig#smoothing()} pixels first ({@link GaussianSmoothing} says why).
 *
 * <p>Fitting keeps a seeded sample of at most {@link DetectorConfig#meanShiftPool()} training rows
 * as the reference; the threshold comes from those rows' own scores, each against the others
 * (leave-one-out), since against itself every training row would score 0.
 *
 * <p>Not an autoencoder: the simple reference the autoencoder detectors must beat, and on some
 * data (Fashion-MNIST one-vs-rest) the better detector (BENCHMARKS.md).
 */
public final class KnnDetector implements Detector {
    private final DetectorConfig config;
    private volatile Fitted fitted;

    /** What a fit keeps: the scaler, the image shape (or null) and the prepared reference rows. */
    record Fitted(Scaler scaler, int[] imageShape, float[] reference, FitResult result) {
        int cols() {
            return scaler.cols();
        }
    }

    KnnDetector(DetectorConfig config) {
        config.validate();
        if (!config.kind().equals(DetectorConfig.KNN)) {
            throw new IllegalArgumentException("not a knn configuration: " + config.kind());
        }
        this.config = config;
    }

    /** A fitted detector from its parts (used when loading). */
    KnnDetector(DetectorConfig config, Fitted fitted) {
        this(config);
        this.fitted = fitted;
    }

    @Override
    public String kind() {
        return config.kind();
    }

    @Override
    public DetectorConfig config() {
        return config;
    }

    @Override
    public Optional<FitResult> fitResult() {
        Fitted f = fitted;
        return f == null ? Optional.empty() : Optional.of(f.result());
    }

    @Override
    public void checkTrainingData(Table train) {
        int pool = Math.min(train.rows(), config.meanShiftPool());
        if (config.neighbours() + 1 > pool) {
            throw new BottleneckException(train.source() + " has " + train.rows() + " rows, but the kNN detector with k = "
                    + config.neighbours() + " needs at least " + (config.neighbours() + 1)
                    + " training rows (each is scored against the others; choose a smaller --neighbours)");
        }
        DetectorSupport.checkCells(train, config.impute());
    }

    @Override
    public FitResult fit(Table train) {
        long t0 = System.nanoTime();
        checkTrainingData(train);
        Table features = DetectorSupport.withoutLabels(train);
        int[] shape = features.imageShape().orElse(null);
        int d = features.cols();
        Scaler scaler = Scaler.fit(shape != null ? ScalerKind.NONE : ScalerKind.STANDARD, features);
        // sample first: rows left out of the reference need no scaling or blur
        float[] sample = DetectorSupport.samplePool(features.values(), d, config.meanShiftPool(), config.seed());
        float[] reference = prepare(scaler, shape, sample, d);
        double[] scores = scores(reference, reference, d, true);
        double t = config.threshold().resolve(scores);
        FitResult r = DetectorSupport.summary(config, scores, t, features, 0, (System.nanoTime() - t0) / 1e9);
        fitted = new Fitted(scaler, shape, reference, r);
        return r;
    }

    @Override
    public double[] score(Table data) {
        Fitted f = fittedOrThrow();
        DetectorSupport.checkWidth(data, f.cols());
        DetectorSupport.checkCells(data, config.impute());
        return scores(f.reference(), prepare(f.scaler(), f.imageShape(), data.values(), data.cols()), f.cols(), false);
    }

    @Override
    public int[] predict(Table data) {
        return fittedOrThrow().result().flags(score(data));
    }

    @Override
    public void save(Path dir, boolean overwrite) {
        DetectorFiles.saveKnn(this, fittedOrThrow(), dir, overwrite);
    }

    /** Nothing native is held between calls. */
    @Override
    public void close() {}

    /** Rows as the distances see them: NaN filled and scaled, images blurred. */
    private float[] prepare(Scaler scaler, int[] shape, float[] values, int cols) {
        float[] scaled = scaler.transform(values, cols);
        if (shape == null || config.smoothing() <= 0) {
            return scaled;
        }
        try (NDManager m = Engines.newManager(Device.cpu())) {
            return GaussianSmoothing.blur(m, scaled, shape, config.smoothing());
        }
    }

    private double[] scores(float[] reference, float[] queries, int d, boolean skipSelf) {
        int k = config.neighbours();
        float[] dist;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            dist = NearestRows.distances(m, reference, queries, d, k, skipSelf);
        }
        int n = queries.length / d;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = aggregate(dist, i * k, k);
        }
        return out;
    }

    /** The score of one row's k ascending distances {@code dist[from .. from+k)}. */
    private double aggregate(float[] dist, int from, int k) {
        switch (config.aggregation()) {
            case "mean": {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += dist[from + j];
                }
                return s / k;
            }
            case "median":
                return k % 2 == 1 ? dist[from + k / 2] : 0.5 * (dist[from + k / 2 - 1] + dist[from + k / 2]);
            default:
                return dist[from + k - 1];
        }
    }

    private Fitted fittedOrThrow() {
        Fitted f = fitted;
        if (f == null) {
            throw new BottleneckException("the knn detector has not been fitted yet (call fit first)");
        }
        return f;
    }

    @Override
    public String toString() {
        Fitted f = fitted;
        return "KnnDetector" + (f == null ? "(unfitted)" : "(k=" + config.neighbours() + ", " + config.aggregation()
                + ", reference " + f.reference().length / f.cols() + " × " + f.cols()
                + (f.imageShape() != null ? ", image " + Arrays.toString(f.imageShape()) + " blurred σ=" + config.smoothing() : "") + ")");
    }
}

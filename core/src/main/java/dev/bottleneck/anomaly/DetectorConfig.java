package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of a detector, saved in {@code detector.json}. Zero (or null) for a size means "derive
 * it from the data", so one configuration serves tables of any width and length. Build with
 * {@link Detectors#autoencoder()}, {@link Detectors#memae()}, {@link Detectors#vae()},
 * {@link Detectors#pae()} or {@link Detectors#knn()}; settings of other kinds are kept and ignored.
 *
 * @param kind {@code ae} (reconstruction error), {@code memae} (memory-augmented), {@code vae}
 *     (reconstruction log-probability), {@code pae} (probabilistic AE, APRE + mean-shift scoring) or
 *     {@code knn} (distance to the nearest training rows)
 * @param hidden encoder hidden widths, outermost first; null = {@link #defaultHidden}
 * @param latent code width; 0 = {@link #defaultLatent}
 * @param batchNorm batch-normalise hidden layers
 * @param dropout dropout after each hidden layer, in [0, 1)
 * @param epochs passes over the training rows; 0 = {@link #defaultEpochs}
 * @param batchSize rows per step
 * @param learningRate Adam's rate
 * @param weightDecay L2 weight decay
 * @param memorySlots MemAE memory items N (memae only)
 * @param shrinkThreshold MemAE hard-shrinkage λ; 0 = 1/N (memae only)
 * @param entropyWeight MemAE entropy loss weight α (memae only)
 * @param impute accept missing (NaN) cells and fill them with the training mean; otherwise refuse them
 * @param seed seeds initialisation, shuffling and dropout
 * @param threshold how scores become 0/1 predictions
 * @param alpha APRE weight of the variance-scaled error Σ(μ−x)²/σ² (pae only)
 * @param beta APRE weight of the uncertainty term Σ log σ² (pae only)
 * @param meanShiftK mean-shift neighbourhood k, the row included; 0 = {@link #defaultMeanShiftK} (pae only)
 * @param meanShiftIterations mean-shift repetitions t (default 6); 0 = score against the row itself (pae only)
 * @param meanShiftPool at most this many training rows (a seeded sample) serve as neighbours, and their
 *        scores set the threshold (pae and knn)
 * @param samples Monte-Carlo draws of z per row for the VAE's reconstruction probability (vae only)
 * @param neighbours k, the neighbours a row is compared with (knn only; PyOD's default 5)
 * @param aggregation how the k distances become a score: {@code largest} (the k-th distance,
 *        PyOD's default), {@code mean} or {@code median} (knn only)
 * @param smoothing σ in pixels of a Gaussian blur on images: {@code knn} blurs the rows before taking
 *        distances, {@code ae} and {@code memae} score the mean squared blurred error; 0 = raw pixels.
 *        Tables without an image shape are never blurred; {@code vae} and {@code pae} ignore it
 */
public record DetectorConfig(
        String kind,
        List<Integer> hidden,
        int latent,
        boolean batchNorm,
        double dropout,
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        int memorySlots,
        double shrinkThreshold,
        double entropyWeight,
        boolean impute,
        long seed,
        Threshold threshold,
        double alpha,
        double beta,
        int meanShiftK,
        int meanShiftIterations,
        int meanShiftPool,
        int samples,
        int neighbours,
        String aggregation,
        double smoothing) {

    public static final String AE = "ae";
    public static final String MEMAE = "memae";
    public static final String VAE = "vae";
    public static final String PAE = "pae";
    public static final String KNN = "knn";
    /** Every kind, the default first (the best on the development sets, BENCHMARKS.md). */
    public static final List<String> KINDS = List.of(PAE, AE, MEMAE, VAE, KNN);
    /** The kNN detector's ways of turning k distances into a score. */
    public static final List<String> AGGREGATIONS = List.of("largest", "mean", "median");

    public DetectorConfig {
        hidden = hidden == null ? null : List.copyOf(hidden);
    }

    /**
     * Code width for d input columns: d/4 rounded up, at least 2 and at most 32. Why narrower than
     * the input: an autoencoder with a code as wide as its input can learn the identity and
     * reconstruct outliers as well as inliers; PyOD's 32-wide code is the ceiling.
     */
    public static int defaultLatent(int d) {
        return Math.max(2, Math.min(32, (d + 3) / 4));
    }

    /**
     * Hidden widths for d input columns: PyOD's 64, 32 for up to 64 columns, doubling with the
     * input up to 256, 128 for wide tables; widths not wider than the code are dropped.
     */
    public static List<Integer> defaultHidden(int d, int latent) {
        int h = 64;
        while (h < d && h < 256) {
            h *= 2;
        }
        List<Integer> out = new ArrayList<>();
        for (int w : new int[] {h, h / 2}) {
            if (w > latent) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Epochs for n training rows: enough for about 1,500 optimiser steps, at least 2 and at most
     * 100 epochs. Why steps and not a fixed epoch count: PyOD's 10 epochs are a few dozen steps on
     * a table of 100 rows (under-trained) and hours on millions of rows; two passes over a large
     * table are already several thousand steps.
     */
    public static int defaultEpochs(int rows, int batchSize) {
        int batches = Math.max(1, (rows + batchSize - 1) / batchSize);
        return Math.max(2, Math.min(100, (1500 + batches - 1) / batches));
    }

    /**
     * Mean-shift neighbourhood for a pool of n rows: 40 (the row and its 39 nearest neighbours),
     * fewer when the pool is smaller. Why a constant and not a choice per data set: choosing k per
     * set needs its labels, which a detector never sees. The constant was fixed once, as the best
     * of k = 10, 20, 40 by mean ROC-AUC over 15 ADBench development sets (BENCHMARKS.md).
     */
    public static int defaultMeanShiftK(int n) {
        return Math.max(2, Math.min(40, n + 1));
    }

    /** Checks every setting, naming the first bad one. */
    public void validate() {
        String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new BottleneckException("detector kind \"" + kind + "\" is not known (expected one of "
                    + String.join(", ", KINDS) + ")");
        }
        if (hidden != null) {
            for (Integer h : hidden) {
                if (h == null || h < 1) {
                    throw new BottleneckException("hidden layer sizes must all be positive whole numbers, got " + hidden);
                }
            }
        }
        check(latent >= 0, "latent size must be ≥ 1 (or 0 for the default), got " + latent);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        check(epochs >= 0, "epochs must be ≥ 1 (or 0 for the default), got " + epochs);
        check(batchSize >= 2, "batch size must be ≥ 2, got " + batchSize);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be ≥ 0, got " + weightDecay);
        check(memorySlots >= 1, "memory slots must be ≥ 1, got " + memorySlots);
        check(shrinkThreshold >= 0 && shrinkThreshold < 1, "shrink threshold must be in [0, 1) (0 = 1/slots), got " + shrinkThreshold);
        check(entropyWeight >= 0 && Double.isFinite(entropyWeight), "entropy weight must be ≥ 0, got " + entropyWeight);
        check(threshold != null, "a threshold rule must be set (contamination, quantile or fixed)");
        check(smoothing >= 0 && Double.isFinite(smoothing), "image smoothing σ must be ≥ 0 pixels (0 = none), got " + smoothing);
        if (k.equals(PAE)) {
            check(alpha >= 0 && Double.isFinite(alpha), "APRE alpha must be ≥ 0, got " + alpha);
            check(beta >= 0 && Double.isFinite(beta), "APRE beta must be ≥ 0, got " + beta);
            check(alpha + beta > 0, "APRE alpha and beta cannot both be 0 (the score would be constant)");
            check(meanShiftK == 0 || meanShiftK >= 2, "mean-shift k must be ≥ 2 (or 0 for the default), got " + meanShiftK);
            check(meanShiftIterations >= 0, "mean-shift iterations must be ≥ 0 (0 = no shift), got " + meanShiftIterations);
            check(meanShiftPool >= 1, "the mean-shift pool must hold ≥ 1 row, got " + meanShiftPool);
        }
        if (k.equals(KNN)) {
            check(neighbours >= 1, "the kNN detector needs k ≥ 1 neighbours, got " + neighbours);
            check(aggregation != null && AGGREGATIONS.contains(aggregation), "kNN aggregation must be one of "
                    + String.join(", ", AGGREGATIONS) + ", got " + aggregation);
            check(meanShiftPool >= 2, "the kNN reference pool must hold ≥ 2 rows, got " + meanShiftPool);
        }
        if (k.equals(VAE)) {
            check(samples >= 1, "the VAE needs ≥ 1 Monte-Carlo sample per row, got " + samples);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new BottleneckException(message);
        }
    }

    /** DJL-style builder; every setting is optional. */
    public static final class Builder {
        private final String kind;
        private List<Integer> hidden;
        private int latent;
        private boolean batchNorm = true;
        private double dropout = 0.2;
        private int epochs;
        private int batchSize = 64;
        private double learningRate = 1e-3;
        private double weightDecay = 1e-5;
        private int memorySlots = 100;
        private double shrinkThreshold;
        private double entropyWeight = 2e-4;
        private boolean impute;
        private long seed;
        private Threshold threshold = Threshold.contamination(0.1);
        private double alpha = 1;
        private double beta = 1;
        private int meanShiftK;
        private int meanShiftIterations = 6;
        private int meanShiftPool = 20_000;
        private int samples = 10;
        private int neighbours = 5;
        private String aggregation = "largest";
        private double smoothing = 1;

        Builder(String kind) {
            this.kind = kind;
        }

        public Builder optHidden(List<Integer> v) { hidden = v; return this; }
        public Builder optLatent(int v) { latent = v; return this; }
        public Builder optBatchNorm(boolean v) { batchNorm = v; return this; }
        public Builder optDropout(double v) { dropout = v; return this; }
        public Builder optEpochs(int v) { epochs = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        public Builder optMemorySlots(int v) { memorySlots = v; return this; }
        public Builder optShrinkThreshold(double v) { shrinkThreshold = v; return this; }
        public Builder optEntropyWeight(double v) { entropyWeight = v; return this; }
        public Builder optImpute(boolean v) { impute = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        public Builder optThreshold(Threshold v) { threshold = v; return this; }
        public Builder optContamination(double c) { threshold = Threshold.contamination(c); return this; }
        public Builder optAlpha(double v) { alpha = v; return this; }
        public Builder optBeta(double v) { beta = v; return this; }
        public Builder optMeanShiftK(int v) { meanShiftK = v; return this; }
        public Builder optMeanShiftIterations(int v) { meanShiftIterations = v; return this; }
        public Builder optMeanShiftPool(int v) { meanShiftPool = v; return this; }
        public Builder optSamples(int v) { samples = v; return this; }
        public Builder optNeighbours(int v) { neighbours = v; return this; }
        public Builder optAggregation(String v) { aggregation = v == null ? null : v.toLowerCase(Locale.ROOT); return this; }
        public Builder optSmoothing(double v) { smoothing = v; return this; }

        public DetectorConfig build() {
            DetectorConfig c = new DetectorConfig(kind, hidden, latent, batchNorm, dropout, epochs, batchSize,
                    learningRate, weightDecay, memorySlots, shrinkThreshold, entropyWeight, impute, seed, threshold,
                    alpha, beta, meanShiftK, meanShiftIterations, meanShiftPool, samples, neighbours, aggregation, smoothing);
            c.validate();
            return c;
        }

        /** Builds and creates the (unfitted) detector. */
        public Detector create() {
            return Detectors.create(build());
        }
    }
}

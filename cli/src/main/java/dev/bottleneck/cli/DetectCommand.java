package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.DetectorConfig;
import dev.bottleneck.anomaly.Detectors;
import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.anomaly.Threshold;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.metrics.Ranking;
import dev.bottleneck.plot.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;

@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fit an outlier detector on --data (labels never used) and score --test: writes a CSV with"
                + " 'score' (higher = more anomalous) and 'label' (1 = predicted outlier) per test row, the named --label"
                + " column last, and a histogram PNG of the scores with the threshold drawn.")
final class DetectCommand implements Runnable {
    /** Column names that almost always hold the answer; reading them as features would leak it. */
    private static final Set<String> LABEL_LIKE =
            Set.of("label", "labels", "class", "target", "outlier", "anomaly", "is_anomaly", "is_outlier", "y_true");

    @Mixin DataOptions dataOptions;

    @Option(names = "--test", required = true, paramLabel = "FILE", description = "Rows to score (same feature columns as --data).")
    Path test;

    @Option(names = "--out", required = true, paramLabel = "CSV", description = "Scores file to write.")
    Path out;

    @Option(names = "--detector", defaultValue = "pae", paramLabel = "NAME",
            description = "pae (probabilistic autoencoder: adjustable PRE + mean-shift scoring; default), ae (reconstruction"
                    + " error), memae (memory-augmented autoencoder), vae (reconstruction log-probability) or knn"
                    + " (distance to the k-th nearest training row; not an autoencoder).")
    String detector;

    @Option(names = "--alpha", defaultValue = "1", paramLabel = "A", description = "pae: weight of Σ(μ−x)²/σ² in the score (default 1).")
    double alpha;

    @Option(names = "--beta", defaultValue = "1", paramLabel = "B", description = "pae: weight of Σ log σ² in the score (default 1).")
    double beta;

    @Option(names = "--mss-k", defaultValue = "0", paramLabel = "K",
            description = "pae: mean-shift neighbourhood, the row included (default 40, fewer for tiny tables).")
    int mssK;

    @Option(names = "--mss-iterations", defaultValue = "6", paramLabel = "T",
            description = "pae: mean-shift repetitions; 0 scores against the row itself (default 6).")
    int mssIterations;

    @Option(names = "--samples", defaultValue = "10", paramLabel = "S", description = "vae: Monte-Carlo draws of z per row (default 10).")
    int samples;

    @Option(names = "--neighbours", defaultValue = "5", paramLabel = "K", description = "knn: neighbours k (default 5, as PyOD).")
    int neighbours;

    @Option(names = "--aggregation", defaultValue = "largest", paramLabel = "HOW",
            description = "knn: score = the k-th distance (largest, default), or the mean or median of the k.")
    String aggregation;

    @Option(names = "--smoothing", defaultValue = "1", paramLabel = "SIGMA",
            description = "Images: Gaussian blur of σ pixels; knn blurs before distances, ae and memae score the blurred error (default 1; 0 = raw pixels).")
    double smoothing;

    @Option(names = "--contamination", paramLabel = "C",
            description = "Expected share of outliers in the training data, in (0, 0.5] (default 0.1): threshold = (1 − C) quantile of training scores.")
    Double contamination;

    @Option(names = "--quantile", paramLabel = "Q", description = "Threshold = the Q quantile of the training scores, Q in (0, 1).")
    Double quantile;

    @Option(names = "--threshold", paramLabel = "T", description = "A fixed score threshold.")
    Double threshold;

    @Option(names = "--epochs", defaultValue = "0", paramLabel = "N", description = "Training epochs (default: about 1,500 steps, 5 to 100 epochs).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of initialisation, shuffling and dropout.")
    long seed;

    @Option(names = "--plot", paramLabel = "PNG", description = "Histogram file (default: --out with .png).")
    Path plot;

    @Option(names = "--save", paramLabel = "DIR", description = "Also write the fitted detector directory (detector.json + model/).")
    Path save;

    @Option(names = "--overwrite", description = "Replace --save if it exists.")
    boolean overwrite;

    @Override
    public void run() {
        Threshold rule = threshold();
        DetectorConfig config = Detectors.byName(detector)
                .optThreshold(rule)
                .optEpochs(epochs)
                .optSeed(seed)
                .optAlpha(alpha)
                .optBeta(beta)
                .optMeanShiftK(mssK)
                .optMeanShiftIterations(mssIterations)
                .optSamples(samples)
                .optNeighbours(neighbours)
                .optAggregation(aggregation)
                .optSmoothing(smoothing)
                .optImpute(ImputePolicy.parse(dataOptions.impute) == ImputePolicy.MEAN)
                .build();
        Table train = dataOptions.load();
        refuseUnnamedLabel(train);
        String testLabel = dataOptions.label != null && !DataSources.isIdxImages(test)
                && CsvHeader.has(test, dataOptions.label) ? dataOptions.label : null;
        Table testData = DataSources.load(test, testLabel, ImputePolicy.parse(dataOptions.impute));
        if (dataOptions.label == null) {
            refuseUnnamedLabel(testData);
        }
        if (testData.cols() != train.cols()) {
            throw new BottleneckException(test + " has " + testData.cols() + " feature columns but the detector is fitted on "
                    + train.cols() + " from " + train.source() + " (expected the same columns; name a label or id column with --label)");
        }
        if (testData.rows() == 0) {
            throw new BottleneckException(test + " has no rows to score");
        }
        try (Detector d = Detectors.create(config)) {
            d.checkTrainingData(train);
            System.err.printf("fitting %s detector on %s: %d rows × %d columns%n", d.kind(), train.source(), train.rows(), train.cols());
            FitResult fit = d.fit(train);
            double[] scores = d.score(testData);
            int[] predicted = fit.flags(scores);
            int flagged = java.util.Arrays.stream(predicted).sum();
            String[] flags = new String[predicted.length];
            for (int i = 0; i < flags.length; i++) {
                flags[i] = Integer.toString(predicted[i]);
            }
            CsvOutput.writeScores(out, scores, testData, "label", flags);
            Path png = plot != null ? plot : pngBeside(out);
            try {
                Histogram.write(png, String.format(Locale.ROOT, "%s detector: %d test rows, %d above the threshold",
                        d.kind(), scores.length, flagged), scores, 50, OptionalDouble.of(fit.thresholdValue()));
            } catch (IOException e) {
                throw new BottleneckException("could not write " + png + ": " + e.getMessage(), e);
            }
            if (save != null) {
                d.save(save, overwrite);
            }
            System.err.printf(Locale.ROOT, "fitted in %.1f s%s; threshold %.6g (%s); %d of %d test rows flagged%n",
                    fit.seconds(), fit.epochs() > 0 ? " (" + fit.epochs() + " epochs)" : "", fit.thresholdValue(),
                    describe(rule), flagged, scores.length);
            evaluate(scores, testData);
            System.err.println("scores written to " + out + ", histogram to " + png + (save != null ? ", detector to " + save : ""));
        }
    }

    private Threshold threshold() {
        int given = (contamination != null ? 1 : 0) + (quantile != null ? 1 : 0) + (threshold != null ? 1 : 0);
        if (given > 1) {
            throw new BottleneckException("give only one of --contamination, --quantile and --threshold");
        }
        if (quantile != null) {
            return Threshold.quantile(quantile);
        }
        if (threshold != null) {
            return Threshold.fixed(threshold);
        }
        return Threshold.contamination(contamination != null ? contamination : 0.1);
    }

    private static String describe(Threshold t) {
        if (t instanceof Threshold.Contamination c) {
            return "contamination " + c.fraction();
        }
        if (t instanceof Threshold.Quantile q) {
            return "quantile " + q.q();
        }
        return "fixed";
    }

    /** Labels are used only when named: a column that looks like one must be named or renamed. */
    private void refuseUnnamedLabel(Table t) {
        if (dataOptions.label != null) {
            return;
        }
        for (String c : t.columns()) {
            if (LABEL_LIKE.contains(c.toLowerCase(Locale.ROOT))) {
                throw new BottleneckException(t.source() + " has a column named \"" + c
                        + "\", which looks like a label; pass --label " + c
                        + " to keep it out of the features (it is then used only to evaluate), or rename it if it is a feature");
            }
        }
    }

    /** With labels in the test file, ROC-AUC and average precision: evaluation only, after fitting. */
    private static void evaluate(double[] scores, Table t) {
        if (!t.hasLabels()) {
            return;
        }
        boolean[] y = new boolean[t.rows()];
        List<String> labels = t.labels();
        long pos = 0;
        for (int i = 0; i < y.length; i++) {
            String l = labels.get(i).trim();
            y[i] = l.equals("1") || l.equalsIgnoreCase("true") || l.equalsIgnoreCase("outlier") || l.equalsIgnoreCase("anomaly");
            pos += y[i] ? 1 : 0;
        }
        if (pos == 0 || pos == y.length) {
            return;
        }
        System.err.printf(Locale.ROOT, "on %s (label 1 = outlier): ROC-AUC %.4f, average precision %.4f%n",
                t.source(), Ranking.rocAuc(scores, y), Ranking.averagePrecision(scores, y));
    }

    private static Path pngBeside(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".png");
    }
}

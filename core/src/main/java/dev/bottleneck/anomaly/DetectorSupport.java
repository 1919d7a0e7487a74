package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;

import java.util.Arrays;
import java.util.Random;

/** What every detector does the same way: input checks, the training pool, the fit summary. */
final class DetectorSupport {
    private DetectorSupport() {}

    /** The table without its labels, so nothing downstream of fit can ever train on them. */
    static Table withoutLabels(Table t) {
        return new Table(t.values(), t.rows(), t.cols(), t.columns(), null, null, t.imageShape().orElse(null), t.source());
    }

    /**
     * Refuses infinite cells always and NaN (missing) cells unless imputing: a NaN would otherwise
     * be filled silently by the scaler, and an infinity would turn every score into NaN.
     */
    static void checkCells(Table t, boolean impute) {
        float[] v = t.values();
        int cols = t.cols();
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            if (Float.isInfinite(x) || (Float.isNaN(x) && !impute)) {
                throw new BottleneckException(t.source() + " row " + (i / cols + 1) + ", column "
                        + t.columns().get(i % cols) + " is " + (Float.isNaN(x) ? "missing (NaN)" : "infinite")
                        + "; expected a finite number (use --impute mean to fill missing cells with the training mean)");
            }
        }
    }

    /** Refuses rows of another width than the fitted one, naming the likely cause. */
    static void checkWidth(Table data, int fitted) {
        if (data.cols() != fitted) {
            throw new BottleneckException(data.source() + " has " + data.cols()
                    + " feature columns but the detector was fitted on " + fitted
                    + " (name a label or id column with --label so it is not read as a feature)");
        }
    }

    /**
     * A seeded sample of at most {@code max} rows (all of them when there are fewer), in their
     * original order. Why a sample: scoring against the pool costs a distance to every pool row, and
     * a few ten thousand rows already map the data's density finely.
     */
    static float[] samplePool(float[] rows, int d, int max, long seed) {
        int n = rows.length / d;
        if (n <= max) {
            return rows.clone();
        }
        int[] idx = new Random(seed).ints(0, n).distinct().limit(max).sorted().toArray();
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(rows, idx[i] * d, out, i * d, d);
        }
        return out;
    }

    /** The fit result of training scores {@code scores} with threshold {@code t}. */
    static FitResult summary(DetectorConfig config, double[] scores, double t, Table train, int epochs, double seconds) {
        double[] s = scores.clone();
        Arrays.sort(s);
        int flagged = Arrays.stream(FitResult.flags(scores, t)).sum();
        return new FitResult(config.kind(), config.threshold(), t, train.rows(), train.columns(), epochs, seconds,
                (double) flagged / scores.length, s[0], Threshold.quantileOf(s, 0.5), s[s.length - 1]);
    }
}

package dev.bottleneck.anomaly;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.bottleneck.BottleneckException;

import java.util.Arrays;

/**
 * How a detector turns scores into 0/1 predictions: a row is an outlier when its score is
 * strictly above the threshold ({@code score > t}, as PyOD). The threshold is resolved once, from
 * the training scores, when the detector is fitted, and saved with it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "mode")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Threshold.Contamination.class, name = "contamination"),
    @JsonSubTypes.Type(value = Threshold.Quantile.class, name = "quantile"),
    @JsonSubTypes.Type(value = Threshold.Fixed.class, name = "fixed")
})
public sealed interface Threshold {

    /** PyOD's default: 10% of the training rows are expected to be outliers. */
    static Threshold contamination(double fraction) {
        return new Contamination(fraction);
    }

    static Threshold quantile(double q) {
        return new Quantile(q);
    }

    static Threshold fixed(double value) {
        return new Fixed(value);
    }

    /** The threshold value for these training scores. */
    double resolve(double[] trainingScores);

    /**
     * The expected share of outliers in the training data, in (0, 0.5]; the threshold is the
     * (1 − c) quantile of the training scores, as PyOD's {@code contamination}.
     */
    record Contamination(double fraction) implements Threshold {
        public Contamination {
            if (!(fraction > 0 && fraction <= 0.5)) {
                throw new BottleneckException("contamination must be in (0, 0.5], got " + fraction
                        + " (it is the expected share of outliers in the training data, such as 0.1)");
            }
        }

        @Override
        public double resolve(double[] trainingScores) {
            return Threshold.quantileOf(trainingScores, 1 - fraction);
        }
    }

    /** The q quantile of the training scores, q in (0, 1). */
    record Quantile(double q) implements Threshold {
        public Quantile {
            if (!(q > 0 && q < 1)) {
                throw new BottleneckException("threshold quantile must be in (0, 1), got " + q);
            }
        }

        @Override
        public double resolve(double[] trainingScores) {
            return Threshold.quantileOf(trainingScores, q);
        }
    }

    /** A score value chosen by the user. */
    record Fixed(double value) implements Threshold {
        public Fixed {
            if (!Double.isFinite(value)) {
                throw new BottleneckException("a fixed threshold must be a finite number, got " + value);
            }
        }

        @Override
        public double resolve(double[] trainingScores) {
            return value;
        }
    }

    /**
     * The q quantile with linear interpolation between order statistics (position q·(n − 1)),
     * numpy's default, so thresholds match PyOD's {@code np.percentile} on the same scores.
     */
    static double quantileOf(double[] values, double q) {
        if (values.length == 0) {
            throw new BottleneckException("a threshold needs at least one training score");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}

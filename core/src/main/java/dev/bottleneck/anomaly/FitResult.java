package dev.bottleneck.anomaly;

import java.util.List;

/**
 * What fitting a detector produced; immutable and saved in {@code detector.json}.
 *
 * @param kind the detector kind
 * @param threshold the rule the threshold came from
 * @param thresholdValue the resolved threshold: rows scoring above it are predicted outliers
 * @param rows training rows
 * @param columns training feature columns, in order (test data must have the same width)
 * @param epochs epochs trained
 * @param seconds fitting time, training scores included
 * @param flaggedFraction share of training rows above the threshold
 * @param trainingScoreMin smallest training score
 * @param trainingScoreMedian median training score
 * @param trainingScoreMax largest training score
 */
public record FitResult(
        String kind,
        Threshold threshold,
        double thresholdValue,
        int rows,
        List<String> columns,
        int epochs,
        double seconds,
        double flaggedFraction,
        double trainingScoreMin,
        double trainingScoreMedian,
        double trainingScoreMax) {

    public FitResult {
        columns = List.copyOf(columns);
    }

    /** The 0/1 prediction of each score: 1 when it is above the threshold (the one rule everywhere). */
    public static int[] flags(double[] scores, double thresholdValue) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i] > thresholdValue ? 1 : 0;
        }
        return out;
    }

    /** {@link #flags(double[], double)} at this fit's threshold. */
    public int[] flags(double[] scores) {
        return flags(scores, thresholdValue);
    }
}

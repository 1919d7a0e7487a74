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
}

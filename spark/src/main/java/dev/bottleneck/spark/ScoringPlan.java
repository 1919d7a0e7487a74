package dev.bottleneck.spark;

import java.io.Serializable;

/**
 * Everything a scoring task needs, resolved on the driver from the options, the input schema and
 * the model: shipped to executors with the task.
 *
 * @param model the model to load (once per executor)
 * @param featureIndex positions of the feature columns in the input row (empty with a vector column)
 * @param vectorIndex position of the vector/array column, or -1
 * @param featureNames names for messages: the feature columns, or the vector column's name
 * @param width features per row the model expects
 * @param score whether to add the score column
 * @param code whether to add the code column
 * @param label whether to add the label column
 * @param threshold the label threshold (NaN when no label is added)
 * @param batchSize rows per engine call
 * @param policy bad-row policy
 * @param source what the data is, for messages
 */
record ScoringPlan(
        ModelRef model,
        int[] featureIndex,
        int vectorIndex,
        String[] featureNames,
        int width,
        boolean score,
        boolean code,
        boolean label,
        double threshold,
        int batchSize,
        BadRowPolicy policy,
        String source) implements Serializable {}

package dev.bottleneck.prototype;

/**
 * How a prototype network does on a labelled table.
 *
 * @param rows rows evaluated
 * @param accuracy fraction classified correctly
 * @param crossEntropy mean cross-entropy
 * @param reconstruction mean squared reconstruction error summed over features (scaled units)
 */
public record Evaluation(int rows, double accuracy, double crossEntropy, double reconstruction) {}

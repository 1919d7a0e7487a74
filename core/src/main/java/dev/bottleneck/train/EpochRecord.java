package dev.bottleneck.train;

import java.util.Map;

/**
 * One line of the metric history ({@code history.jsonl}).
 *
 * @param epoch 1-based epoch number
 * @param step updates completed at the end of the epoch
 * @param trainLoss mean training loss (reconstruction + penalties) over the epoch's batches
 * @param validationLoss mean reconstruction loss on the validation rows, or null without any
 * @param terms mean of each bottleneck penalty over the epoch
 * @param learningRate the rate at the end of the epoch
 * @param seconds wall time of the epoch (training and validation)
 */
public record EpochRecord(
        int epoch,
        long step,
        double trainLoss,
        Double validationLoss,
        Map<String, Double> terms,
        double learningRate,
        double seconds) {
    public EpochRecord {
        terms = terms == null ? Map.of() : Map.copyOf(terms);
    }
}

package dev.bottleneck.spark;

import dev.bottleneck.train.EpochRecord;

import java.util.List;

/**
 * What a distributed training run did.
 *
 * @param history one record per epoch: mean training loss of the workers' steps; the last one
 *     carries the validation loss when there are validation rows
 * @param roundLosses mean training loss of each round (averaging period), in order
 * @param steps synchronous steps taken (each worker took this many Adam steps)
 * @param partitions workers (non-empty partitions) that trained
 * @param averagingPeriod local steps between two averagings
 * @param trainRows rows trained on
 * @param validationRows rows held out
 * @param validationLoss mean reconstruction loss on the validation rows, or null without any
 * @param seconds wall time
 * @param stopped whether a stop request ended the run early (the model holds the last average)
 */
public record SparkTrainingResult(
        List<EpochRecord> history,
        List<Double> roundLosses,
        long steps,
        int partitions,
        int averagingPeriod,
        long trainRows,
        long validationRows,
        Double validationLoss,
        double seconds,
        boolean stopped) {
    public SparkTrainingResult {
        history = List.copyOf(history);
        roundLosses = List.copyOf(roundLosses);
    }
}

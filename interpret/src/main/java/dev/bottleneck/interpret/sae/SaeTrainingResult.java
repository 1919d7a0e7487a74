package dev.bottleneck.interpret.sae;

import dev.bottleneck.train.EpochRecord;

import java.util.List;

/**
 * What a training run did.
 *
 * @param tokens training tokens seen (rows × epochs)
 * @param tokensPerSecond training throughput over the whole run (data loading included)
 * @param deadFraction latents that had not fired for {@code dead_tokens} tokens at the end
 * @param interrupted true when a stop request ended the run early
 */
public record SaeTrainingResult(List<EpochRecord> history, long steps, long tokens, double seconds,
        double tokensPerSecond, double deadFraction, boolean interrupted) {
    public SaeTrainingResult {
        history = List.copyOf(history);
    }
}

package dev.bottleneck.train;

import java.util.List;

/**
 * What a finished run reports. Immutable.
 *
 * @param history one record per epoch, including epochs from before a resume
 * @param bestEpoch the epoch whose weights the model holds (the best validation loss when
 *     early stopping is on, else the last)
 * @param stoppedEarly whether early stopping ended the run
 * @param resumed whether the run continued from a checkpoint
 * @param seconds total wall time of training, across resumes
 */
public record TrainingResult(
        List<EpochRecord> history, int bestEpoch, boolean stoppedEarly, boolean resumed, double seconds) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    public EpochRecord last() {
        return history.get(history.size() - 1);
    }
}

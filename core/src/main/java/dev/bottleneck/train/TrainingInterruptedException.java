package dev.bottleneck.train;

import dev.bottleneck.BottleneckException;

/** Training stopped on request; the message says where the checkpoint is and how to resume. */
public final class TrainingInterruptedException extends BottleneckException {
    private static final long serialVersionUID = 1L;

    public TrainingInterruptedException(String message) {
        super(message);
    }
}

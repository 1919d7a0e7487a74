package dev.bottleneck.train;

/** Hears about training progress; the CLI draws a progress bar, a library user may log. */
public interface TrainingListener {
    default void onEpochStart(int epoch, int epochs, int batches, int firstBatch) {}

    default void onBatch(int epoch, int batch, double loss) {}

    default void onEpochEnd(EpochRecord record, int epochs) {}

    default void onCheckpoint(java.nio.file.Path dir) {}

    /** A listener that does nothing. */
    TrainingListener NONE = new TrainingListener() {};
}

package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDManager;

/**
 * Where a training run's batches come from: an activation store ({@link StoreTrainingData}), or
 * MiniLM run on sentences when each batch also needs a downstream gradient
 * ({@link SentenceTrainingData}, for gradient TopK).
 */
public interface SaeTrainingData {
    /** Batches in one epoch (the learning-rate schedule's length). */
    int batchesPerEpoch();

    /** One epoch's batches, in an order seeded with {@code seed}. */
    Epoch epoch(long seed);

    /**
     * What the batches come from, in words, when the same seed always gives the same batches (a
     * checkpoint can then be resumed on it); null when they cannot be replayed (MiniLM runs).
     */
    default String replayableSource() {
        return null;
    }

    /** A hash of everything that decides the batches, compared on resume; null when not replayable. */
    default String fingerprint() {
        return null;
    }

    /** One pass. */
    interface Epoch {
        boolean hasNext();

        /** The next batch, created in {@code m}; {@code sae} is the model being trained. */
        SaeBatch next(NDManager m, SparseAutoencoder sae);

        /** Passes over the next {@code batches} batches (resuming inside an epoch); replayable data only. */
        default void skip(int batches) {
            throw new UnsupportedOperationException("these batches cannot be skipped");
        }
    }
}

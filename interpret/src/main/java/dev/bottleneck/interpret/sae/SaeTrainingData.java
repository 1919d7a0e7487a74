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

    /** One pass. */
    interface Epoch {
        boolean hasNext();

        /** The next batch, created in {@code m}; {@code sae} is the model being trained. */
        SaeBatch next(NDManager m, SparseAutoencoder sae);
    }
}

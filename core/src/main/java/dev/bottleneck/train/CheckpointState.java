package dev.bottleneck.train;

import dev.bottleneck.model.ModelConfig;

import java.util.List;

/**
 * The resumable state of a run, stored as {@code state.json} in the checkpoint directory beside
 * {@code weights.safetensors}, {@code optimizer.safetensors} and (with early stopping) {@code
 * best.safetensors}.
 *
 * @param model the model's config, fitted scaler included
 * @param training the run's hyperparameters
 * @param dataSha256 hash of the training data, to refuse resuming on other data
 * @param epochsCompleted whole epochs done
 * @param nextBatch first batch of the current epoch not yet done (0 at an epoch boundary)
 * @param step optimizer updates done
 * @param epochLossSum sum of batch losses so far in the current (partial) epoch
 * @param epochBatches batches done so far in the current epoch
 * @param bestValidationLoss best validation loss seen, or null
 * @param bestEpoch its epoch (0 = none)
 * @param badEpochs epochs since the last improvement
 * @param history finished epochs
 * @param seconds training wall time so far
 */
public record CheckpointState(
        ModelConfig model,
        TrainingConfig training,
        String dataSha256,
        int epochsCompleted,
        int nextBatch,
        long step,
        double epochLossSum,
        int epochBatches,
        Double bestValidationLoss,
        int bestEpoch,
        int badEpochs,
        List<EpochRecord> history,
        double seconds) {}

package dev.bottleneck.prototype;

import dev.bottleneck.train.EpochRecord;

import java.util.List;
import java.util.Map;

/**
 * The resumable state of a prototype-network run ({@code state.json} of a checkpoint generation,
 * beside the weights and the optimizer's moments; see {@link dev.bottleneck.train.Checkpoints}).
 *
 * @param model the network's config, fitted scaler included
 * @param training the run's settings
 * @param dataSha256 hash of the training data file, to refuse resuming on other data
 * @param epochsCompleted whole epochs done
 * @param nextBatch first batch of the current epoch not yet done (0 at an epoch boundary)
 * @param step optimizer updates done
 * @param epochLossSum sum of batch losses so far in the current epoch
 * @param epochBatches batches done so far in the current epoch
 * @param termSums sums of the loss terms so far in the current epoch
 * @param history finished epochs
 * @param seconds training wall time so far
 */
public record PrototypeCheckpoint(
        PrototypeConfig model,
        PrototypeTraining training,
        String dataSha256,
        int epochsCompleted,
        int nextBatch,
        long step,
        double epochLossSum,
        int epochBatches,
        Map<String, Double> termSums,
        List<EpochRecord> history,
        double seconds) {}

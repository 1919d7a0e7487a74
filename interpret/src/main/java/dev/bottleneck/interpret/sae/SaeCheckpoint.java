package dev.bottleneck.interpret.sae;

import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.TrainingConfig;

import java.util.List;
import java.util.Map;

/**
 * The resumable state of an SAE run ({@code state.json} of a checkpoint generation, beside the
 * weights, the dead-latent counters {@code since_fired} in {@code weights.safetensors} and Adam's
 * moments; see {@link dev.bottleneck.train.Checkpoints}). Each epoch's batch order is seeded by
 * (seed, epoch), so the position in the data is (epochsCompleted, nextBatch).
 *
 * @param sae the SAE's config
 * @param training the run's settings
 * @param data what the batches came from, in words (for the refusal message)
 * @param dataFingerprint hash of what decides the batches, to refuse resuming on other data
 * @param epochsCompleted whole epochs done
 * @param nextBatch first batch of the current epoch not yet done (0 at an epoch boundary)
 * @param step optimizer updates done
 * @param tokens training tokens seen so far
 * @param thresholdUpdates BatchTopK: batches folded into the running threshold
 * @param epochSums sums so far in the current epoch of the loss, fvu, penalty and l0
 * @param epochBatches batches done so far in the current epoch
 * @param history finished epochs
 * @param seconds training wall time so far
 */
public record SaeCheckpoint(
        SaeConfig sae,
        TrainingConfig training,
        String data,
        String dataFingerprint,
        int epochsCompleted,
        int nextBatch,
        long step,
        long tokens,
        long thresholdUpdates,
        Map<String, Double> epochSums,
        int epochBatches,
        List<EpochRecord> history,
        double seconds) {}

package dev.bottleneck.cvae;

import dev.bottleneck.model.Provenance;
import dev.bottleneck.train.TrainingConfig;

import java.util.List;
import java.util.Map;

/**
 * Everything a conditional model's {@code config.json} holds, in the layout of the autoencoders'
 * {@link dev.bottleneck.model.ModelConfig}: format and library version, family, the networks, the
 * completion task, the training settings and provenance, tensor shapes and the weights' SHA-256.
 * The key {@code conditional} marks the file as a conditional model, so the autoencoder commands
 * refuse it with one sentence.
 *
 * @param formatVersion the file-layout version ({@link dev.bottleneck.model.ModelConfig#FORMAT_VERSION})
 * @param libraryVersion Bottleneck version that wrote the file
 * @param family {@code cvae} or {@code cvae-baseline}
 * @param conditional the networks and objective
 * @param task the image-completion task that made (x, y) from images, or null for plain rows
 * @param training settings of the run that trained it, or null
 * @param provenance data, seed, dates and versions of that run, or null
 * @param tensors name → shape of every tensor in {@code model.safetensors}
 * @param weightsSha256 SHA-256 of {@code model.safetensors}, checked on load
 */
public record ConditionalConfig(
        int formatVersion,
        String libraryVersion,
        String family,
        ConditionalSpec conditional,
        QuadrantTask task,
        TrainingConfig training,
        Provenance provenance,
        Map<String, List<Long>> tensors,
        String weightsSha256) {

    ConditionalConfig withTraining(TrainingConfig t, Provenance p) {
        return new ConditionalConfig(formatVersion, libraryVersion, family, conditional, task, t, p, tensors, weightsSha256);
    }

    ConditionalConfig withWeights(Map<String, List<Long>> shapes, String sha256, String writerVersion) {
        return new ConditionalConfig(formatVersion, writerVersion, family, conditional, task, training, provenance,
                shapes, sha256);
    }
}

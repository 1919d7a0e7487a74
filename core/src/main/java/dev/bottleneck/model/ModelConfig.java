package dev.bottleneck.model;

import dev.bottleneck.bottleneck.BottleneckSpec;
import dev.bottleneck.objective.Objective;
import dev.bottleneck.train.TrainingConfig;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code config.json} holds: enough to rebuild the model without any other file but
 * the weights, and to say where it came from. Keys are snake_case; a Python user reads it with
 * {@code json.load}. Immutable: the {@code with*} methods return changed copies.
 *
 * @param formatVersion version of this file layout; readers refuse versions they do not know
 * @param libraryVersion Bottleneck version that wrote the file
 * @param family the preset the model was made from (dense, conv, denoising, contractive, …)
 * @param architecture encoder and decoder layers
 * @param bottleneck what sits between them
 * @param corruption input noise during training
 * @param objective reconstruction loss
 * @param scalerKind how input columns are scaled (none, standard, minmax)
 * @param scaler the fitted scaler (kind, center, scale, fill), or null before training
 * @param inputColumns feature column names in order, or null
 * @param labelColumn the label column the training data had, or null
 * @param training hyperparameters of the run that trained it, or null
 * @param provenance data, seed, dates and versions of that run, or null
 * @param tensors name → shape of every tensor in {@code model.safetensors}
 * @param weightsSha256 SHA-256 of {@code model.safetensors}, checked on load
 */
public record ModelConfig(
        int formatVersion,
        String libraryVersion,
        String family,
        ArchitectureSpec architecture,
        BottleneckSpec bottleneck,
        CorruptionSpec corruption,
        Objective objective,
        String scalerKind,
        Map<String, Object> scaler,
        List<String> inputColumns,
        String labelColumn,
        TrainingConfig training,
        Provenance provenance,
        Map<String, List<Long>> tensors,
        String weightsSha256) {

    /** The file-layout version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;

    public ModelConfig withScaler(Map<String, Object> s) {
        return new ModelConfig(formatVersion, libraryVersion, family, architecture, bottleneck, corruption,
                objective, scalerKind, s, inputColumns, labelColumn, training, provenance, tensors, weightsSha256);
    }

    public ModelConfig withColumns(List<String> columns, String label) {
        return new ModelConfig(formatVersion, libraryVersion, family, architecture, bottleneck, corruption,
                objective, scalerKind, scaler, columns, label, training, provenance, tensors, weightsSha256);
    }

    public ModelConfig withTraining(TrainingConfig t, Provenance p) {
        return new ModelConfig(formatVersion, libraryVersion, family, architecture, bottleneck, corruption,
                objective, scalerKind, scaler, inputColumns, labelColumn, t, p, tensors, weightsSha256);
    }

    public ModelConfig withWeights(Map<String, List<Long>> shapes, String sha256, String writerVersion) {
        return new ModelConfig(formatVersion, writerVersion, family, architecture, bottleneck, corruption,
                objective, scalerKind, scaler, inputColumns, labelColumn, training, provenance, shapes, sha256);
    }
}

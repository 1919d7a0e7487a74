package dev.bottleneck.prototype;

import dev.bottleneck.model.Provenance;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code config.json} of a prototype network holds: enough to rebuild it from the
 * weights alone, and where it came from. {@code family} is always {@value #FAMILY}, which is how
 * a reader tells this model directory from an autoencoder's.
 *
 * @param formatVersion version of this layout (readers refuse others)
 * @param libraryVersion Bottleneck version that wrote it
 * @param family {@value #FAMILY}
 * @param architecture the autoencoder under the prototype layer
 * @param prototypes m, the number of prototypes
 * @param classes class labels, in the order of the classifier's rows
 * @param scalerKind how input columns are scaled (none for images, standard for tables)
 * @param scaler the fitted scaler, or null before training
 * @param inputColumns feature column names, or null
 * @param labelColumn the training data's label column
 * @param training the run's settings, or null before training
 * @param provenance data, seed, dates and versions of that run, or null
 * @param tensors name → shape of every tensor in {@code model.safetensors}
 * @param weightsSha256 SHA-256 of {@code model.safetensors}, checked on load
 */
public record PrototypeConfig(
        int formatVersion,
        String libraryVersion,
        String family,
        CoderSpec architecture,
        int prototypes,
        List<String> classes,
        String scalerKind,
        Map<String, Object> scaler,
        List<String> inputColumns,
        String labelColumn,
        PrototypeTraining training,
        Provenance provenance,
        Map<String, List<Long>> tensors,
        String weightsSha256) {

    public static final String FAMILY = "prototype";
    public static final int FORMAT_VERSION = 1;

    public PrototypeConfig {
        classes = classes == null ? null : List.copyOf(classes);
    }

    PrototypeConfig withScaler(Map<String, Object> s, List<String> columns, String label) {
        return new PrototypeConfig(formatVersion, libraryVersion, family, architecture, prototypes, classes, scalerKind,
                s, columns, label, training, provenance, tensors, weightsSha256);
    }

    PrototypeConfig withTraining(PrototypeTraining t, Provenance p) {
        return new PrototypeConfig(formatVersion, libraryVersion, family, architecture, prototypes, classes, scalerKind,
                scaler, inputColumns, labelColumn, t, p, tensors, weightsSha256);
    }

    PrototypeConfig withWeights(Map<String, List<Long>> shapes, String sha, String writer) {
        return new PrototypeConfig(formatVersion, writer, family, architecture, prototypes, classes, scalerKind,
                scaler, inputColumns, labelColumn, training, provenance, shapes, sha);
    }
}

package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelFiles;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which model an executor must load, resolved once on the driver: the directory and the SHA-256
 * of its weights (plus that of {@code detector.json} for a detector). Executors check the files
 * they find against it, so a model replaced on disk while a job runs fails loudly instead of
 * scoring some partitions with another model.
 *
 * @param path absolute path of a model directory or a detector directory (visible on every executor)
 * @param weightsSha256 SHA-256 of {@code model.safetensors} as recorded in its config.json
 * @param detectorSha256 SHA-256 of {@code detector.json}, or null for a plain model directory
 */
public record ModelRef(String path, String weightsSha256, String detectorSha256) implements Serializable {
    static final String DETECTOR_FILE = "detector.json";
    static final String DETECTOR_MODEL = "model";

    /** Reads the config (not the weights) of the model at {@code path}. */
    public static ModelRef resolve(String path) {
        if (path == null || path.isBlank()) {
            throw new BottleneckException("a model path must be set (modelPath: a model or detector directory)");
        }
        Path dir = Path.of(path).toAbsolutePath().normalize();
        Path detector = dir.resolve(DETECTOR_FILE);
        boolean isDetector = Files.isRegularFile(detector);
        if (isDetector && !Files.isDirectory(dir.resolve(DETECTOR_MODEL))) {
            throw new BottleneckException(dir + " holds a detector without an autoencoder (such as knn); Spark scoring"
                    + " needs a model directory or an autoencoder detector");
        }
        ModelConfig config = ModelFiles.readConfig(isDetector ? dir.resolve(DETECTOR_MODEL) : dir);
        if (config.weightsSha256() == null) {
            throw new BottleneckException(dir + " has no weights checksum in its config.json (was it written by Bottleneck?)");
        }
        return new ModelRef(dir.toString(), config.weightsSha256(), isDetector ? Hashes.sha256(detector) : null);
    }

    /** The per-JVM cache key: the same path with other contents is another model. */
    String key() {
        return path + "#" + weightsSha256 + (detectorSha256 == null ? "" : "#" + detectorSha256);
    }

    boolean isDetector() {
        return detectorSha256 != null;
    }
}

package dev.bottleneck.cvae;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A conditional model's directory, in the autoencoders' layout ({@link ModelFiles}): {@code
 * config.json} ({@link ConditionalConfig}) + {@code model.safetensors}, built under a temporary
 * name and renamed, the weights' SHA-256 stored in the config and checked on load.
 */
public final class ConditionalFiles {
    private ConditionalFiles() {}

    /** Writes {@code model} to {@code dir}; {@code extras} may add files (history) before the rename. */
    public static void save(ConditionalVae model, Path dir, boolean overwrite, ModelFiles.Extras extras) {
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            byte[] weights = ModelFiles.weightsBytes(model.parameters());
            Files.write(tmp.resolve(ModelFiles.WEIGHTS), weights);
            ConditionalConfig c = model.config().withWeights(ModelFiles.shapes(model.parameters()), Hashes.sha256(weights), Version.get());
            Files.writeString(tmp.resolve(ModelFiles.CONFIG), Json.mapper().writeValueAsString(c));
            if (extras != null) {
                extras.write(tmp);
            }
            model.setConfig(c);
        });
    }

    /** Reads and validates {@code config.json} of a conditional model directory. */
    public static ConditionalConfig readConfig(Path dir) {
        Path cfg = dir.resolve(ModelFiles.CONFIG);
        JsonNode tree = ModelFiles.readConfigTree(dir);
        if (!tree.has("conditional")) {
            JsonNode fam = tree.get("family");
            throw new BottleneckException(dir + " holds " + (fam == null ? "a model" : "a " + fam.asText() + " autoencoder")
                    + ", not a conditional VAE (train one with 'bottleneck cvae train' or ConditionalVae.builder())");
        }
        JsonNode v = tree.get("format_version");
        if (v == null || !v.canConvertToInt() || v.asInt() != ModelConfig.FORMAT_VERSION) {
            throw new BottleneckException(cfg + " has format_version " + (v == null ? "(none)" : v.asText())
                    + ", which this Bottleneck (" + Version.get() + ") cannot read (it reads format "
                    + ModelConfig.FORMAT_VERSION + ")");
        }
        try {
            return Json.mapper().treeToValue(tree, ConditionalConfig.class);
        } catch (JsonProcessingException e) {
            throw new BottleneckException(cfg + " is not a valid conditional model config: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (BottleneckException e) {
            throw new BottleneckException(cfg + ": " + e.getMessage(), e);
        }
    }

    /** Loads a conditional model directory: config, checksum, weights. */
    public static ConditionalVae load(Path dir, Device device) {
        ConditionalConfig config = readConfig(dir);
        Path weights = dir.resolve(ModelFiles.WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new BottleneckException(dir + " has no " + ModelFiles.WEIGHTS);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(weights);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + weights + ": " + e.getMessage(), e);
        }
        if (config.weightsSha256() != null && !config.weightsSha256().equals(Hashes.sha256(bytes))) {
            throw new BottleneckException(weights + " is corrupt: its SHA-256 does not match the one in config.json (truncated or modified?)");
        }
        ConditionalVae model = ConditionalVae.fromConfig(config, device, 0);
        try {
            ModelFiles.loadWeights(model.parameters(), bytes, weights.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }
}

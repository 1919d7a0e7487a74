package dev.bottleneck.prototype;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.ModelFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A prototype network's model directory: {@code config.json} (family {@code prototype}) and
 * {@code model.safetensors}, with the layout, checksum and atomic write of the autoencoders'
 * {@link ModelFiles} (whose weight encoding and checked loading it reuses).
 */
public final class PrototypeFiles {
    private PrototypeFiles() {}

    /** Writes {@code net} to {@code dir}; {@code extras} may add files (plots, history) before the rename. */
    public static void save(PrototypeNetwork net, Path dir, boolean overwrite, ModelFiles.Extras extras) {
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            byte[] weights = ModelFiles.weightsBytes(net.parameters());
            Files.write(tmp.resolve(ModelFiles.WEIGHTS), weights);
            PrototypeConfig c = net.config().withWeights(ModelFiles.shapes(net.parameters()), Hashes.sha256(weights), Version.get());
            Files.writeString(tmp.resolve(ModelFiles.CONFIG), Json.mapper().writeValueAsString(c));
            if (extras != null) {
                extras.write(tmp);
            }
            net.setConfig(c);
        });
    }

    /**
     * Reads {@code config.json} of a prototype network; a directory holding another kind of model
     * gets one sentence saying so.
     */
    public static PrototypeConfig readConfig(Path dir) {
        Path cfg = dir.resolve(ModelFiles.CONFIG);
        JsonNode tree = ModelFiles.readConfigTree(dir);
        JsonNode family = tree.get("family");
        if (family == null || !PrototypeConfig.FAMILY.equals(family.asText())) {
            throw new BottleneckException(dir + " holds " + (family == null ? "a model of unknown kind"
                    : "a \"" + family.asText() + "\" model") + ", not a prototype network (train one with `bottleneck prototypes train`)");
        }
        JsonNode v = tree.get("format_version");
        if (v == null || v.asInt() != PrototypeConfig.FORMAT_VERSION) {
            throw new BottleneckException(cfg + " has format_version " + (v == null ? "none" : v.asText())
                    + ", which this Bottleneck (" + Version.get() + ") cannot read (it reads " + PrototypeConfig.FORMAT_VERSION + ")");
        }
        try {
            return Json.mapper().treeToValue(tree, PrototypeConfig.class);
        } catch (JsonProcessingException e) {
            throw new BottleneckException(cfg + " is not a valid prototype-network config: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Loads a model directory: config, checksum, weights. */
    public static PrototypeNetwork load(Path dir, Device device) {
        PrototypeConfig config = readConfig(dir);
        Path weights = dir.resolve(ModelFiles.WEIGHTS);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(weights);
        } catch (IOException e) {
            throw new BottleneckException(dir + " has no readable " + ModelFiles.WEIGHTS + " (" + e.getMessage() + ")", e);
        }
        if (config.weightsSha256() != null && !config.weightsSha256().equals(Hashes.sha256(bytes))) {
            throw new BottleneckException(weights + " is corrupt: its SHA-256 does not match the one in config.json");
        }
        PrototypeNetwork net = PrototypeNetwork.fromConfig(config, device, 0);
        try {
            ModelFiles.loadWeights(net.parameters(), bytes, weights.toString());
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }
}

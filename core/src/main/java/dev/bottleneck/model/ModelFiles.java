package dev.bottleneck.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model directory: {@code config.json} + {@code model.safetensors}. The directory is built
 * under a temporary name and renamed into place, so a crash never leaves half a model; the
 * weights' SHA-256 is stored in the config and checked on load.
 */
public final class ModelFiles {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    private ModelFiles() {}

    /** Something that writes extra files (history, plots) into the directory being built. */
    @FunctionalInterface
    public interface Extras {
        void write(Path dir) throws IOException;
    }

    /** Writes {@code model} to {@code dir}; {@code extras} may add files before the rename. */
    public static void save(Autoencoder model, Path dir, boolean overwrite, Extras extras) {
        AtomicFiles.writeDirectory(
                dir,
                overwrite,
                tmp -> {
                    byte[] weights = weightsBytes(model.parameters());
                    Files.write(tmp.resolve(WEIGHTS), weights);
                    ModelConfig c =
                            model.config()
                                    .withWeights(shapes(model.parameters()), Hashes.sha256(weights), Version.get());
                    Files.writeString(tmp.resolve(CONFIG), Json.mapper().writeValueAsString(c));
                    if (extras != null) {
                        extras.write(tmp);
                    }
                    model.setConfig(c);
                });
    }

    /** The weights as safetensors bytes, tensors named as in {@link Autoencoder#parameters()}. */
    public static byte[] weightsBytes(Map<String, Parameter> params) {
        NDList list = new NDList();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray a = e.getValue().getArray();
            a.setName(e.getKey());
            list.add(a);
        }
        return list.encode(NDList.Encoding.SAFETENSORS);
    }

    /** Copies tensors decoded from safetensors bytes into the parameters, checking names and shapes. */
    public static void loadWeights(Map<String, Parameter> params, byte[] bytes, String where) {
        try (NDManager tmp = params.values().iterator().next().getArray().getManager().newSubManager()) {
            NDList list;
            try {
                list = NDList.decode(tmp, bytes);
            } catch (RuntimeException e) {
                throw new BottleneckException(
                        where + " is not a readable safetensors file (" + e.getMessage() + ")", e);
            }
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray src = byName.get(e.getKey());
                NDArray dst = e.getValue().getArray();
                if (src == null) {
                    throw new BottleneckException(
                            where + " has no tensor \"" + e.getKey() + "\" (expected the tensors listed in config.json)");
                }
                if (!src.getShape().equals(dst.getShape())) {
                    throw new BottleneckException(
                            where + ": tensor \"" + e.getKey() + "\" has shape " + src.getShape()
                                    + " but the architecture needs " + dst.getShape());
                }
                dst.set(src.toByteBuffer());
            }
        }
    }

    /** Name → shape of every tensor, as {@code config.json} lists them. */
    public static Map<String, List<Long>> shapes(Map<String, Parameter> params) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            List<Long> s = new ArrayList<>();
            for (long d : e.getValue().getArray().getShape().getShape()) {
                s.add(d);
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /**
     * The {@code config.json} of a model directory as a JSON object, after the checks every kind
     * of model directory shares (the directory and the file exist, the file is a JSON object).
     */
    public static JsonNode readConfigTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BottleneckException(
                    Files.exists(dir)
                            ? "model path " + dir + " is a file, expected a model directory with config.json and model.safetensors"
                            : "model directory " + dir + " does not exist");
        }
        Path cfg = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfg)) {
            throw new BottleneckException(dir + " has no " + CONFIG + (Files.isRegularFile(dir.resolve("detector.json"))
                    ? " (it is a detector directory: its model is in " + dir.resolve("model")
                            + ", and a knn detector has none; use 'detect' to fit one and score with it)"
                    : " (is it a Bottleneck model directory?)"));
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(cfg.toFile());
        } catch (IOException e) {
            throw new BottleneckException(cfg + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new BottleneckException(cfg + " is not a JSON object");
        }
        return tree;
    }

    /** Reads and validates {@code config.json} of a model directory. */
    public static ModelConfig readConfig(Path dir) {
        Path cfg = dir.resolve(CONFIG);
        JsonNode tree = readConfigTree(dir);
        if (tree.has("conditional")) {
            // a conditional VAE's directory (dev.bottleneck.cvae) has the same layout but other networks
            throw new BottleneckException(dir + " holds a conditional VAE (" + tree.path("family").asText("cvae")
                    + "), which has no autoencoder to encode, score or sample from; use 'bottleneck cvae complete' or 'bottleneck cvae nll'");
        }
        JsonNode v = tree.get("format_version");
        if (v == null || !v.canConvertToInt()) {
            throw new BottleneckException(cfg + " has no format_version (expected " + ModelConfig.FORMAT_VERSION + ")");
        }
        if (v.asInt() != ModelConfig.FORMAT_VERSION) {
            throw new BottleneckException(
                    cfg + " has format_version " + v.asInt() + ", which this Bottleneck (" + Version.get()
                            + ") cannot read (it reads format " + ModelConfig.FORMAT_VERSION + ")");
        }
        try {
            return Json.mapper().treeToValue(tree, ModelConfig.class);
        } catch (JsonProcessingException e) {
            throw new BottleneckException(cfg + " is not a valid model config: " + firstLine(e.getOriginalMessage()), e);
        } catch (BottleneckException e) {
            throw new BottleneckException(cfg + ": " + e.getMessage(), e);
        }
    }

    /** Loads a model directory: config, checksum, weights. */
    public static Autoencoder load(Path dir, Device device) {
        ModelConfig config = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new BottleneckException(dir + " has no " + WEIGHTS);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(weights);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + weights + ": " + e.getMessage(), e);
        }
        if (config.weightsSha256() != null && !config.weightsSha256().equals(Hashes.sha256(bytes))) {
            throw new BottleneckException(
                    weights + " is corrupt: its SHA-256 does not match the one in config.json (truncated or modified?)");
        }
        Autoencoder model = Autoencoder.fromConfig(config, device, 0);
        try {
            loadWeights(model.parameters(), bytes, weights.toString());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}

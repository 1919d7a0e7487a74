package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.Device;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.Autoencoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A detector directory: {@code detector.json} (format version, kind, settings and fit result
 * with the threshold) and {@code model/}, an ordinary model directory that every other command
 * ({@code info}, {@code encode}, {@code score}) reads as it is; a {@code pae} detector adds
 * {@code mean_shift_pool.safetensors}, one tensor {@code pool} (rows × width, scaled units) holding
 * the training rows its mean-shift moves towards. A {@code knn} detector has no model: its
 * directory holds {@code detector.json}, {@code scaler.json} (the scaler's JSON form, as in a model's
 * config) and {@code knn_reference.safetensors}, one tensor {@code reference} (rows × width, scaled
 * and, for images, blurred) with the image shape, if any, in {@code knn.json}.
 */
final class DetectorFiles {
    static final String FILE = "detector.json";
    static final String MODEL = "model";
    static final String POOL = "mean_shift_pool.safetensors";
    static final String KNN_REFERENCE = "knn_reference.safetensors";
    static final String KNN_SCALER = "scaler.json";
    static final String KNN_SHAPE = "knn.json";
    static final int FORMAT_VERSION = 1;

    private DetectorFiles() {}

    /** What {@code detector.json} holds. */
    record Contents(int formatVersion, String libraryVersion, String kind, DetectorConfig settings, FitResult fit) {}

    static void save(AutoencoderDetector d, Autoencoder model, FitResult fit, float[] pool, Path dir, boolean overwrite) {
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            model.save(tmp.resolve(MODEL), false);
            if (pool != null) {
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray a = m.create(pool, new Shape(pool.length / model.inputWidth(), model.inputWidth()));
                    a.setName("pool");
                    Files.write(tmp.resolve(POOL), new NDList(a).encode(NDList.Encoding.SAFETENSORS));
                }
            }
            Contents c = new Contents(FORMAT_VERSION, Version.get(), d.kind(), d.config(), fit);
            Files.writeString(tmp.resolve(FILE), Json.mapper().writeValueAsString(c));
        });
    }

    static void saveKnn(KnnDetector d, KnnDetector.Fitted f, Path dir, boolean overwrite) {
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            try (NDManager m = Engines.newManager(Device.cpu())) {
                NDArray a = m.create(f.reference(), new Shape(f.reference().length / f.cols(), f.cols()));
                a.setName("reference");
                Files.write(tmp.resolve(KNN_REFERENCE), new NDList(a).encode(NDList.Encoding.SAFETENSORS));
            }
            Files.writeString(tmp.resolve(KNN_SCALER), Json.mapper().writeValueAsString(f.scaler().toJson()));
            Files.writeString(tmp.resolve(KNN_SHAPE), Json.mapper().writeValueAsString(
                    Map.of("image_shape", f.imageShape() == null ? List.of() : Arrays.stream(f.imageShape()).boxed().toList())));
            Contents c = new Contents(FORMAT_VERSION, Version.get(), d.kind(), d.config(), f.result());
            Files.writeString(tmp.resolve(FILE), Json.mapper().writeValueAsString(c));
        });
    }

    static Detector load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new BottleneckException(Files.isDirectory(dir)
                    ? dir + " has no " + FILE + " (expected a detector directory written by 'bottleneck detect --save')"
                    : "detector directory " + dir + " does not exist");
        }
        Contents c;
        try {
            JsonNode tree = Json.mapper().readTree(file.toFile());
            JsonNode v = tree == null ? null : tree.get("format_version");
            if (v == null || v.asInt() != FORMAT_VERSION) {
                throw new BottleneckException(file + " has format_version " + (v == null ? "(none)" : v.asText())
                        + ", which this Bottleneck (" + Version.get() + ") cannot read (it reads " + FORMAT_VERSION + ")");
            }
            c = Json.mapper().treeToValue(tree, Contents.class);
        } catch (IOException e) {
            throw new BottleneckException(file + " is not a valid detector file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (c.settings() == null || c.fit() == null) {
            throw new BottleneckException(file + " has no settings or fit result (is the file complete?)");
        }
        if (c.kind().equals(DetectorConfig.KNN)) {
            return loadKnn(dir, c);
        }
        Autoencoder model = Autoencoder.load(dir.resolve(MODEL));
        try {
            float[] pool = c.kind().equals(DetectorConfig.PAE) ? readPool(dir.resolve(POOL), model) : null;
            return new AutoencoderDetector(c.settings(), model, c.fit(), pool);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static KnnDetector loadKnn(Path dir, Contents c) {
        int cols = c.fit().columns().size();
        Scaler scaler;
        int[] shape;
        try {
            scaler = Scaler.fromJson(Json.mapper().readValue(existing(dir.resolve(KNN_SCALER)).toFile(),
                    new TypeReference<Map<String, Object>>() {}));
            JsonNode s = Json.mapper().readTree(existing(dir.resolve(KNN_SHAPE)).toFile()).path("image_shape");
            shape = s.size() == 3 ? new int[] {s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt()} : null;
        } catch (IOException e) {
            throw new BottleneckException("could not read the knn detector in " + dir + ": " + e.getMessage(), e);
        }
        Path file = existing(dir.resolve(KNN_REFERENCE));
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray a = NDList.decode(m, Files.readAllBytes(file)).singletonOrThrow();
            if (a.getShape().dimension() != 2 || a.getShape().get(1) != cols || scaler.cols() != cols) {
                throw new BottleneckException(file + " holds a tensor of shape " + a.getShape() + " and the scaler "
                        + scaler.cols() + " columns, but the detector was fitted on " + cols + " columns");
            }
            return new KnnDetector(c.settings(), new KnnDetector.Fitted(scaler, shape, a.toFloatArray(), c.fit()));
        } catch (IOException e) {
            throw new BottleneckException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BottleneckException(file + " is missing (a knn detector directory needs it)");
        }
        return file;
    }

    private static float[] readPool(Path file, Autoencoder model) {
        if (!Files.isRegularFile(file)) {
            throw new BottleneckException(file + " is missing (a pae detector directory needs its mean-shift pool)");
        }
        try (NDManager m = model.manager().newSubManager()) {
            NDArray a = NDList.decode(m, Files.readAllBytes(file)).singletonOrThrow();
            if (a.getShape().dimension() != 2 || a.getShape().get(1) != model.inputWidth()) {
                throw new BottleneckException(file + " holds a tensor of shape " + a.getShape()
                        + " but the model needs (rows, " + model.inputWidth() + ")");
            }
            return a.toFloatArray();
        } catch (IOException e) {
            throw new BottleneckException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}

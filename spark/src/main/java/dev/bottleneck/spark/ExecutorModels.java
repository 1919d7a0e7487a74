package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.AutoencoderDetector;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.model.Autoencoder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models loaded in this JVM, keyed by path and checksums: every task of every job on an
 * executor shares one copy, so a model is read and put on the engine once per executor, not once
 * per partition. Inference on a loaded model is thread-safe (core's contract), so concurrent tasks
 * use it at once. Models stay until the JVM ends or {@link #clear()}.
 */
public final class ExecutorModels {
    private static final Map<String, LoadedModel> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Integer> LOADS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    static LoadedModel get(ModelRef ref) {
        return CACHE.computeIfAbsent(ref.key(), k -> load(ref));
    }

    /** How many times the model was read from disk in this JVM (1 after any number of tasks). */
    public static int loads(ModelRef ref) {
        return LOADS.getOrDefault(ref.key(), 0);
    }

    /** Frees every cached model (tests, or a long-lived executor switching models). */
    public static synchronized void clear() {
        CACHE.values().forEach(m -> m.model().close());
        CACHE.clear();
        LOADS.clear();
    }

    private static LoadedModel load(ModelRef ref) {
        LOADS.merge(ref.key(), 1, Integer::sum);
        Path dir = Path.of(ref.path());
        LoadedModel loaded;
        if (ref.isDetector()) {
            String sha = Hashes.sha256(dir.resolve(ModelRef.DETECTOR_FILE));
            if (!sha.equals(ref.detectorSha256())) {
                throw changed(ref, "detector.json");
            }
            AutoencoderDetector d = (AutoencoderDetector) Detector.load(dir);
            Autoencoder m = d.model().orElseThrow();
            loaded = new LoadedModel(m, d, d.fitResult().orElseThrow().thresholdValue(), columns(m));
        } else {
            Autoencoder m = Autoencoder.load(dir);
            loaded = new LoadedModel(m, null, null, columns(m));
        }
        if (!ref.weightsSha256().equals(loaded.model().config().weightsSha256())) {
            loaded.model().close();
            throw changed(ref, "model.safetensors");
        }
        return loaded;
    }

    private static List<String> columns(Autoencoder m) {
        List<String> c = m.config().inputColumns();
        return c == null ? List.of() : c;
    }

    private static BottleneckException changed(ModelRef ref, String file) {
        return new BottleneckException(ref.path() + "/" + file + " on this executor differs from the one the driver"
                + " planned the job with (every executor must see the same model files; was the model replaced?)");
    }
}

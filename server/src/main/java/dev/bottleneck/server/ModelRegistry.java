package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.model.ModelFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models under the models directory, each loaded on first use and then kept: one instance per
 * name however many requests ask for it at once ({@link ConcurrentHashMap#computeIfAbsent} runs
 * the load once). A model that fails to load keeps its error, so every request gets the same
 * sentence instead of retrying a broken file.
 */
final class ModelRegistry implements AutoCloseable {
    static final String DETECTOR_FILE = "detector.json";

    private final Path root;
    private final ConcurrentHashMap<String, Entry> loaded = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A loaded model or the reason it could not be loaded. */
    private record Entry(ServedModel model, String error) {}

    ModelRegistry(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Names of the subdirectories that hold a model or a detector, sorted. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).forEach(p -> {
                String n = p.getFileName().toString();
                if (ModelNames.valid(n) && (Files.isRegularFile(p.resolve(ModelFiles.CONFIG))
                        || Files.isRegularFile(p.resolve(DETECTOR_FILE)))) {
                    out.add(n);
                }
            });
        } catch (IOException e) {
            throw new BottleneckException("cannot list the models directory " + root + ": " + e.getMessage(), e);
        }
        out.sort(String::compareTo);
        return out;
    }

    /**
     * The model called {@code name}, loading it on first use.
     *
     * @throws ApiException 400 for a name that is not allowed, 404 for no such model, 500 when it
     *                      cannot be loaded
     */
    ServedModel get(String name) {
        if (closed) {
            throw new ApiException(503, "the server is shutting down");
        }
        Path dir = ModelNames.resolve(root, name, "model");
        if (!Files.isDirectory(dir)
                || !(Files.isRegularFile(dir.resolve(ModelFiles.CONFIG)) || Files.isRegularFile(dir.resolve(DETECTOR_FILE)))) {
            throw ApiException.notFound("model '" + name + "' does not exist in the models directory");
        }
        Entry e = loaded.computeIfAbsent(name, n -> load(n, dir));
        if (e.error() != null) {
            throw new ApiException(500, "model '" + name + "' could not be loaded: " + e.error());
        }
        return e.model();
    }

    /** The load error of a listed model, or null when it loaded. */
    String error(String name) {
        try {
            get(name);
            return null;
        } catch (ApiException e) {
            return e.getMessage();
        }
    }

    private static Entry load(String name, Path dir) {
        try {
            boolean detector = Files.isRegularFile(dir.resolve(DETECTOR_FILE));
            return new Entry(detector ? ServedModel.ofDetector(name, dir) : ServedModel.ofModel(name, dir), null);
        } catch (RuntimeException e) {
            return new Entry(null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Entry e : loaded.values()) {
            if (e.model() != null) {
                e.model().close();
            }
        }
        loaded.clear();
    }
}

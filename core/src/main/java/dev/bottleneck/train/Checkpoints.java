package dev.bottleneck.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.ModelFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes checkpoint directories. Each checkpoint is a new generation subdirectory, built
 * under a temporary name and renamed into place; then the one-line file {@code LATEST} is
 * replaced (an atomic file rename) to point at it, and only then are older generations deleted.
 * A kill at any moment therefore leaves {@code LATEST} naming a complete generation — the
 * previous one or the new one, never a mix and never none.
 */
public final class Checkpoints {
    static final String STATE = "state.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String BEST = "best.safetensors";
    static final String LATEST = "LATEST";

    private Checkpoints() {}

    /** The conventional checkpoint directory for a model written to {@code out}: {@code out.ckpt}. */
    public static Path besideOutput(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".ckpt");
    }

    public static boolean exists(Path dir) {
        Path gen = current(dir);
        return gen != null && Files.isRegularFile(gen.resolve(STATE));
    }

    /** The generation {@code LATEST} names, or null when there is none. */
    private static Path current(Path dir) {
        try {
            Path latest = dir.resolve(LATEST);
            if (!Files.isRegularFile(latest)) {
                return null;
            }
            String name = Files.readString(latest).trim();
            return name.isEmpty() || name.contains("/") ? null : dir.resolve(name);
        } catch (IOException e) {
            return null;
        }
    }

    /** The directory of the current checkpoint generation, or an error saying there is none. */
    public static Path generation(Path dir) {
        Path gen = current(dir);
        if (gen == null || !Files.isRegularFile(gen.resolve(STATE))) {
            throw new BottleneckException("there is no checkpoint to resume in " + dir
                    + " (run without --resume to start training)");
        }
        return gen;
    }

    static void save(Path dir, CheckpointState state, Map<String, Parameter> params, AdamOptimizer opt,
            NDList best) {
        save(dir, state, state.step(), params, opt, best);
    }

    /**
     * Writes a new checkpoint generation holding {@code state} (any JSON-serialisable record: a
     * training loop of another kind of model keeps its own), the weights, the optimizer's moments
     * and, when not null, a best-so-far snapshot.
     */
    public static void save(Path dir, Object state, long step, Map<String, Parameter> params, AdamOptimizer opt,
            NDList best) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BottleneckException("could not create checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
        String name = String.format("step-%012d-%s", step, java.util.UUID.randomUUID().toString().substring(0, 8));
        AtomicFiles.writeDirectory(dir.resolve(name), false, tmp -> {
            Files.write(tmp.resolve(WEIGHTS), ModelFiles.weightsBytes(params));
            Files.write(tmp.resolve(OPTIMIZER), opt.state().encode(NDList.Encoding.SAFETENSORS));
            if (best != null) {
                Files.write(tmp.resolve(BEST), best.encode(NDList.Encoding.SAFETENSORS));
            }
            // written last: a directory is only a checkpoint once state.json is in it
            Files.writeString(tmp.resolve(STATE), Json.mapper().writeValueAsString(state));
        });
        AtomicFiles.writeString(dir.resolve(LATEST), name + "\n");
        try (var entries = Files.list(dir)) {
            entries.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().equals(name))
                    .forEach(AtomicFiles::deleteRecursively);
        } catch (IOException e) {
            // older generations are only disk space; the next save tries again
        }
    }

    /** Reads {@code state.json} of a checkpoint. */
    public static CheckpointState readState(Path dir) {
        Path state = generation(dir).resolve(STATE);
        try {
            return Json.mapper().readValue(state.toFile(), CheckpointState.class);
        } catch (IOException e) {
            throw new BottleneckException(state + " is not a readable checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads {@code state.json} of a checkpoint written with a state record of another type. */
    public static <T> T readState(Path dir, Class<T> type) {
        Path state = generation(dir).resolve(STATE);
        try {
            return Json.mapper().readValue(state.toFile(), type);
        } catch (IOException e) {
            throw new BottleneckException(state + " is not a readable checkpoint: " + e.getMessage(), e);
        }
    }

    /** Loads the checkpoint's weights into {@code params} and its optimizer moments into {@code opt}. */
    public static void restore(Path dir, Map<String, Parameter> params, AdamOptimizer opt, long step, NDManager scratch) {
        ModelFiles.loadWeights(params, read(dir, WEIGHTS), file(dir, WEIGHTS).toString());
        opt.restore(readList(dir, OPTIMIZER, scratch), step, params);
    }

    /** A file of the current generation. */
    static Path file(Path dir, String name) {
        return generation(dir).resolve(name);
    }

    static byte[] read(Path dir, String name) {
        Path f = file(dir, name);
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new BottleneckException("checkpoint file " + f + " could not be read: " + e.getMessage(), e);
        }
    }

    static NDList readList(Path dir, String name, NDManager manager) {
        try {
            return NDList.decode(manager, read(dir, name));
        } catch (RuntimeException e) {
            throw new BottleneckException("checkpoint file " + file(dir, name) + " is corrupt: " + e.getMessage(), e);
        }
    }

    static boolean has(Path dir, String name) {
        Path gen = current(dir);
        return gen != null && Files.isRegularFile(gen.resolve(name));
    }

    /** Copies of the parameters' current values, for the best-so-far snapshot. */
    static NDList snapshot(Map<String, Parameter> params, NDManager manager) {
        NDList list = new NDList();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray src = e.getValue().getArray();
            NDArray copy = manager.create(src.getShape());
            copy.set(src.toByteBuffer());
            copy.setName(e.getKey());
            list.add(copy);
        }
        return list;
    }
}

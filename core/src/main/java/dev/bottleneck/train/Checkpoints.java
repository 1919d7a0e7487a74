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
 * Reads and writes checkpoint directories. A checkpoint is replaced as a whole (built under a
 * temporary name, then renamed), so a kill at any moment leaves either the previous checkpoint or
 * the new one, never a mix.
 */
public final class Checkpoints {
    static final String STATE = "state.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String BEST = "best.safetensors";

    private Checkpoints() {}

    /** The conventional checkpoint directory for a model written to {@code out}: {@code out.ckpt}. */
    public static Path besideOutput(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".ckpt");
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE));
    }

    static void save(Path dir, CheckpointState state, Map<String, Parameter> params, AdamOptimizer opt,
            NDList best) {
        AtomicFiles.writeDirectory(dir, true, tmp -> {
            Files.write(tmp.resolve(WEIGHTS), ModelFiles.weightsBytes(params));
            Files.write(tmp.resolve(OPTIMIZER), opt.state().encode(NDList.Encoding.SAFETENSORS));
            if (best != null) {
                Files.write(tmp.resolve(BEST), best.encode(NDList.Encoding.SAFETENSORS));
            }
            // written last: a directory is only a checkpoint once state.json is in it
            Files.writeString(tmp.resolve(STATE), Json.mapper().writeValueAsString(state));
        });
    }

    /** Reads {@code state.json} of a checkpoint. */
    public static CheckpointState readState(Path dir) {
        if (!exists(dir)) {
            throw new BottleneckException("there is no checkpoint to resume in " + dir
                    + " (run without --resume to start training)");
        }
        try {
            return Json.mapper().readValue(dir.resolve(STATE).toFile(), CheckpointState.class);
        } catch (IOException e) {
            throw new BottleneckException(dir.resolve(STATE) + " is not a readable checkpoint: " + e.getMessage(), e);
        }
    }

    static byte[] read(Path dir, String name) {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (IOException e) {
            throw new BottleneckException("checkpoint file " + dir.resolve(name) + " could not be read: " + e.getMessage(), e);
        }
    }

    static NDList readList(Path dir, String name, NDManager manager) {
        try {
            return NDList.decode(manager, read(dir, name));
        } catch (RuntimeException e) {
            throw new BottleneckException("checkpoint file " + dir.resolve(name) + " is corrupt: " + e.getMessage(), e);
        }
    }

    static boolean has(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name));
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

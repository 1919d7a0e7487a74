package dev.bottleneck.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;

import java.util.Map;

/**
 * One optimiser step on one batch: forward with the loss, backward, Adam update. The {@link
 * Trainer}'s loop and the distributed trainer (spark module) both call this, so a step is defined
 * once.
 *
 * <p>Not reentrant across threads: the engine allows one gradient recording per process at a
 * time, so callers that step several models in one process at once must serialise the calls.
 */
public final class TrainingStep {
    private TrainingStep() {}

    /**
     * Trains {@code model} on {@code count} scaled rows (row-major, the first {@code count × d}
     * cells of {@code rows}) at learning rate {@code lr}.
     *
     * @param termSums receives each bottleneck penalty's value, summed over calls (may be null)
     * @return the step's total loss
     */
    public static double run(Autoencoder model, AdamOptimizer opt, float[] rows, int count, double lr,
            Map<String, Double> termSums) {
        int d = model.inputWidth();
        float[] batch = rows.length == count * d ? rows : java.util.Arrays.copyOf(rows, count * d);
        return run(model, opt, step -> step.create(batch, new Shape(count, d)), lr, termSums);
    }

    /**
     * The same step on {@code count} rows in a native-order float buffer (the {@link Trainer}'s
     * prefetched batches), which the engine takes without a copy through the Java heap.
     */
    public static double run(Autoencoder model, AdamOptimizer opt, java.nio.ByteBuffer rows, int count, double lr,
            Map<String, Double> termSums) {
        int d = model.inputWidth();
        return run(model, opt, step -> step.create(rows, new Shape(count, d), ai.djl.ndarray.types.DataType.FLOAT32),
                lr, termSums);
    }

    private static double run(Autoencoder model, AdamOptimizer opt, java.util.function.Function<NDManager, NDArray> input,
            double lr, Map<String, Double> termSums) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray x = input.apply(step);
            Autoencoder.Forward f;
            model.bottleneck().setTrainingStep(opt.step());
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                f = model.forward(x, true);
                gc.backward(f.total());
            }
            opt.update(model.parameters(), lr, step);
            if (termSums != null) {
                for (Map.Entry<String, NDArray> t : f.penalties().entrySet()) {
                    termSums.merge(t.getKey(), (double) t.getValue().getFloat(), Double::sum);
                }
            }
            return f.total().getFloat();
        }
    }

    /** Steps in one epoch over n rows: a final batch of one row is dropped (batch norm cannot normalise it). */
    public static int batchesPerEpoch(int n, int batch) {
        return n / batch + (n % batch > 1 ? 1 : 0);
    }
}

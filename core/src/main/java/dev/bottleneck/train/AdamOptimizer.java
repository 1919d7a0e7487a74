package dev.bottleneck.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam / AdamW over named parameters, using the engine's fused update kernel.
 *
 * <p>Why not DJL's {@code Optimizer.adam()}: its moment estimates are private, so they cannot be
 * checkpointed, and resuming would restart Adam cold. Here the moments live in a map we own and
 * are saved with PyTorch's names ({@code <param>.exp_avg}, {@code <param>.exp_avg_sq}) and the
 * step count. Global-norm gradient clipping costs nothing extra in the update: the clip factor is
 * passed as the kernel's gradient rescale.
 */
public final class AdamOptimizer implements AutoCloseable {
    private final TrainingConfig config;
    private final NDManager stateManager;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private long step;
    private long skipped;

    public AdamOptimizer(TrainingConfig config, NDManager parent) {
        this.config = config;
        this.stateManager = parent.newSubManager();
    }

    /** Updates completed so far. */
    public long step() {
        return step;
    }

    /** Steps skipped because the gradient norm was not finite (only checked when clipping is on). */
    public long skippedSteps() {
        return skipped;
    }

    /**
     * One update of every trainable parameter from its gradient. Gradient wrappers are attached
     * to {@code scratch} so that they are freed with the step's other temporaries.
     *
     * @return the global gradient norm before clipping (NaN when clipping is off: not computed); when
     *     clipping is on and that norm is not finite, the step is skipped and not counted
     */
    public double update(Map<String, Parameter> params, double learningRate, NDManager scratch) {
        step++;
        Map<String, NDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray w = e.getValue().getArray();
            if (!e.getValue().requiresGradient() || !w.hasGradient()) {
                continue;
            }
            NDArray g = w.getGradient();
            g.attach(scratch);
            grads.put(e.getKey(), g);
        }
        double norm = Double.NaN;
        float rescale = 1f;
        if (config.clipNorm() > 0) {
            NDArray sq = null;
            for (NDArray g : grads.values()) {
                NDArray s = g.square().sum();
                sq = sq == null ? s : sq.add(s);
            }
            norm = sq == null ? 0 : Math.sqrt(sq.getFloat());
            if (!Double.isFinite(norm)) {
                // An infinite or NaN gradient (one overflowing batch, e.g. MemAE's shrinkage
                // 1/|w − λ| with w a hair above λ) would turn every weight and moment into NaN:
                // the clip cannot rescale infinity. Skip the step, as mixed-precision loss
                // scalers do; a loss that stays non-finite still ends the run in the trainer.
                for (Parameter p : params.values()) {
                    if (p.getArray().hasGradient()) {
                        Engines.zeroGradient(p.getArray());
                    }
                }
                step--;
                skipped++;
                return norm;
            }
            if (norm > config.clipNorm()) {
                rescale = (float) (config.clipNorm() / (norm + 1e-6));
            }
        }
        double c1 = 1 - Math.pow(config.beta1(), step);
        double c2 = 1 - Math.pow(config.beta2(), step);
        float lr = (float) learningRate;
        float lrCorrected = (float) (learningRate * Math.sqrt(c2) / c1);
        // the kernel divides by sqrt(v) + ε with v not bias-corrected; scaling ε by sqrt(1 − β₂^t)
        // makes the update exactly PyTorch's lr·m̂/(sqrt(v̂) + ε), which matters for tiny gradients
        float eps = (float) (config.epsilon() * Math.sqrt(c2));
        boolean decoupled = config.optimizer() == TrainingConfig.OptimizerKind.ADAMW;
        for (Map.Entry<String, NDArray> e : grads.entrySet()) {
            NDArray w = params.get(e.getKey()).getArray();
            NDArray m = means.computeIfAbsent(e.getKey(), k -> stateManager.zeros(w.getShape()));
            NDArray v = variances.computeIfAbsent(e.getKey(), k -> stateManager.zeros(w.getShape()));
            w.getNDArrayInternal()
                    .adamUpdate(
                            new NDList(w, e.getValue(), m, v),
                            new NDList(w),
                            lr,
                            lrCorrected,
                            (float) config.weightDecay(),
                            rescale,
                            -1f,
                            (float) config.beta1(),
                            (float) config.beta2(),
                            eps,
                            true,
                            decoupled);
            Engines.zeroGradient(w);
        }
        return norm;
    }

    /** The moments, named as in PyTorch's optimizer state, for a checkpoint. */
    public NDList state() {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : means.entrySet()) {
            NDArray m = e.getValue();
            m.setName(e.getKey() + ".exp_avg");
            list.add(m);
            NDArray v = variances.get(e.getKey());
            v.setName(e.getKey() + ".exp_avg_sq");
            list.add(v);
        }
        return list;
    }

    /** Restores moments and step count written by {@link #state()}. */
    public void restore(NDList state, long steps, Map<String, Parameter> params) {
        means.values().forEach(NDArray::close);
        variances.values().forEach(NDArray::close);
        means.clear();
        variances.clear();
        for (NDArray a : state) {
            String name = a.getName();
            boolean isMean = name.endsWith(".exp_avg");
            String param = name.substring(0, name.lastIndexOf('.'));
            Parameter p = params.get(param);
            if (p == null || !p.getArray().getShape().equals(a.getShape())) {
                throw new BottleneckException(
                        "the checkpoint's optimizer state has tensor \"" + name + "\" that does not fit the model");
            }
            NDArray copy = stateManager.create(a.getShape());
            copy.set(a.toByteBuffer());
            (isMean ? means : variances).put(param, copy);
        }
        this.step = steps;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}

package dev.bottleneck.cvae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.Provenance;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.nn.ParameterNames;
import dev.bottleneck.nn.TorchDefaultInitializer;
import dev.bottleneck.objective.Objective;
import dev.bottleneck.train.TrainingConfig;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conditional VAE for structured output prediction (Sohn, Lee &amp; Yan, "Learning Structured
 * Output Representations using Deep Conditional Generative Models", NeurIPS 2015), or its
 * deterministic baseline ŷ = f(x).
 *
 * <p>The CVAE has three MLPs: the recognition network q(z|x,y) and the conditional prior network
 * p(z|x), each emitting [μ, log σ²] (read through {@link GaussianBottleneck}, clamp included), and
 * the generator p(y|x,z), a Bernoulli likelihood over y with a sigmoid output. Training minimises
 * the hybrid objective α·L_CVAE + (1 − α)·L_GSNN per row, where
 *
 * <ul>
 *   <li>L_CVAE = −log p(y|x,z) with z ~ q(z|x,y) reparameterised, + β·KL(q(z|x,y) ‖ p(z|x)) in
 *       closed form (the negative ELBO of log p(y|x) at β = 1);
 *   <li>L_GSNN = −log p(y|x,z) with z ~ p(z|x): the generator trained on the codes it gets at
 *       test time (the "Gaussian stochastic neural network").
 * </ul>
 *
 * <p>Why it is not an {@link dev.bottleneck.model.Autoencoder} with another bottleneck: the model
 * has two inputs, the loss is on y only, and the hybrid objective runs the generator twice per
 * step (with a code from q and one from the prior), which one encoder → bottleneck → decoder pass
 * cannot express. It reuses the pieces instead: {@link DenseSpec}'s MLP stacks, {@link
 * GaussianSpec} for β, warm-up and clamp, {@link Objective#BERNOULLI}, PyTorch's initialisation,
 * and {@link ConditionalTrainer} the optimizer and conventions of the shared trainer.
 *
 * <p>Tensor names in {@code model.safetensors}: {@code recognition.*}, {@code prior.*}, {@code
 * generator.*} (an {@code nn.Sequential} of Linear and ReLU each; the baseline has only {@code
 * generator.*}, whose input is x alone). Inference is thread-safe; training is not.
 */
public final class ConditionalVae implements AutoCloseable {
    private final NDManager manager;
    private final ConditionalSpec spec;
    private final SequentialBlock recognition;
    private final SequentialBlock prior;
    private final SequentialBlock generator;
    private final GaussianBottleneck gaussian;
    private final ParameterStore store;
    private final Map<String, Parameter> parameters;
    private volatile ConditionalConfig config;
    /** The optimizer step about to be taken, for the KL warm-up; training-only state. */
    private volatile long step;

    private ConditionalVae(ConditionalConfig config, Device device, long seed) {
        this.config = config;
        this.spec = config.conditional();
        this.manager = Engines.newManager(device);
        int dx = spec.inputWidth();
        int dy = spec.outputWidth();
        int latent = spec.latent();
        boolean cvae = spec.kind() == ConditionalKind.CVAE;
        this.gaussian = (GaussianBottleneck) spec.gaussian().create(latent);
        // seeded so that the same seed gives the same initial weights
        Engines.seed(seed);
        Map<String, Parameter> params = new LinkedHashMap<>();
        if (cvae) {
            recognition = mlp(dx + dy, 2 * latent);
            prior = mlp(dx, 2 * latent);
            params.putAll(ParameterNames.of("recognition", recognition));
            params.putAll(ParameterNames.of("prior", prior));
        } else {
            recognition = null;
            prior = null;
        }
        generator = mlp(cvae ? dx + latent : dx, dy);
        params.putAll(ParameterNames.of("generator", generator));
        TorchDefaultInitializer.initializeBiases(params);
        this.parameters = Collections.unmodifiableMap(params);
        this.store = new ParameterStore(manager, false);
    }

    /** An MLP in → hidden… → out, initialised as PyTorch does. */
    private SequentialBlock mlp(int in, int out) {
        SequentialBlock b = new DenseSpec(in, spec.hidden(), 1, spec.activation(), false, 0, Activation.NONE)
                .newEncoder(out);
        b.setInitializer(new TorchDefaultInitializer(), Parameter.Type.WEIGHT);
        b.initialize(manager, DataType.FLOAT32, new Shape(1, in));
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Rebuilds a model (fresh weights) from a configuration; {@link ConditionalFiles} then loads weights. */
    public static ConditionalVae fromConfig(ConditionalConfig config, Device device, long seed) {
        if (config.conditional() == null) {
            throw new BottleneckException("the configuration has no conditional networks (key \"conditional\")");
        }
        config.conditional().validate();
        return new ConditionalVae(config, device, seed);
    }

    /** Loads a model directory written by {@link #save}, on the given device. */
    public static ConditionalVae load(Path dir, Device device) {
        return ConditionalFiles.load(dir, device);
    }

    /** Loads a model directory on the CPU. */
    public static ConditionalVae load(Path dir) {
        return ConditionalFiles.load(dir, Device.cpu());
    }

    /** Writes {@code config.json} + {@code model.safetensors} atomically (refusing an existing directory unless {@code overwrite}). */
    public void save(Path dir, boolean overwrite) {
        ConditionalFiles.save(this, dir, overwrite, null);
    }

    public ConditionalConfig config() {
        return config;
    }

    public ConditionalSpec spec() {
        return spec;
    }

    public ConditionalKind kind() {
        return spec.kind();
    }

    /** The image task the model was built for, or null for plain (x, y) rows. */
    public QuadrantTask task() {
        return config.task();
    }

    public NDManager manager() {
        return manager;
    }

    /** Every tensor by its PyTorch-style name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    void setConfig(ConditionalConfig c) {
        this.config = c;
    }

    void setTrainingRecord(TrainingConfig training, Provenance provenance) {
        this.config = config.withTraining(training, provenance);
    }

    void setTrainingStep(long s) {
        this.step = s;
    }

    // ---------------------------------------------------------------- engine-level API

    /** A Gaussian's mean and clamped log-variance, N × latent each. */
    record Gaussian(NDArray mean, NDArray logVar) {
        NDArray sample(NDArray eps) {
            return mean.add(logVar.mul(0.5f).exp().mul(eps));
        }
    }

    private Gaussian gaussianOf(NDArray encoded) {
        return new Gaussian(gaussian.mean(encoded), gaussian.logVariance(encoded));
    }

    private NDArray run(SequentialBlock b, NDArray in, boolean training) {
        return b.forward(store, new NDList(in), training).singletonOrThrow();
    }

    /** q(z|x,y). */
    Gaussian recognize(NDArray x, NDArray y, boolean training) {
        requireCvae("infer a code for");
        return gaussianOf(run(recognition, x.concat(y, 1), training));
    }

    /** p(z|x). */
    Gaussian priorOf(NDArray x, boolean training) {
        requireCvae("draw codes for");
        return gaussianOf(run(prior, x, training));
    }

    /** The Bernoulli means of y given x and z (z ignored, may be null, for the baseline), N × dy. */
    public NDArray generate(NDArray x, NDArray z, boolean training) {
        NDArray in = spec.kind() == ConditionalKind.CVAE ? x.concat(z, 1) : x;
        return Activation.SIGMOID.apply(run(generator, in, training));
    }

    /**
     * One completion of y per row of x: z drawn from the prior network (the CVAE) or the
     * deterministic prediction (the baseline), as Bernoulli means in [0, 1]. Uses the engine's
     * generator, so seed it ({@link Engines#seed}) for reproducible draws.
     */
    public NDArray complete(NDArray x) {
        if (spec.kind() == ConditionalKind.BASELINE) {
            return generate(x, null, false);
        }
        Gaussian p = priorOf(x, false);
        return generate(x, p.sample(x.getManager().randomNormal(p.mean().getShape())), false);
    }

    /** KL(N(μq, σq²) ‖ N(μp, σp²)) of each row in nats: ½ Σ [log σp² − log σq² + (σq² + (μq − μp)²)/σp² − 1]. */
    static NDArray klPerRow(Gaussian q, Gaussian p) {
        NDArray ratio = q.logVar().exp().add(q.mean().sub(p.mean()).square()).mul(p.logVar().neg().exp());
        return p.logVar().sub(q.logVar()).add(ratio).sub(1f).sum(new int[] {1}).mul(0.5f);
    }

    /**
     * The loss of one batch and its parts (scalars, means over rows).
     *
     * @param total what training minimises
     * @param terms named parts for the history: {@code cvae} (L_CVAE), {@code gsnn} (L_GSNN),
     *     {@code kl} (unweighted KL); the baseline has none
     */
    public record Loss(NDArray total, Map<String, NDArray> terms) {}

    /** The training objective on x (N × dx) and y (N × dy); sampling uses the engine's generator. */
    public Loss loss(NDArray x, NDArray y, boolean training) {
        if (spec.kind() == ConditionalKind.BASELINE) {
            return new Loss(Objective.BERNOULLI.perRow(y, generate(x, null, training)).mean(), Map.of());
        }
        NDManager m = x.getManager();
        Gaussian q = recognize(x, y, training);
        Gaussian p = priorOf(x, training);
        NDArray zq = q.sample(m.randomNormal(q.mean().getShape()));
        NDArray recQ = Objective.BERNOULLI.perRow(y, generate(x, zq, training)).mean();
        NDArray kl = klPerRow(q, p).mean();
        // a float weight: a double would make the product (and the total) float64
        NDArray lCvae = recQ.add(kl.mul((float) spec.gaussian().klWeight(step)));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("cvae", lCvae);
        terms.put("kl", kl);
        NDArray total = lCvae;
        if (spec.alpha() < 1) {
            NDArray zp = p.sample(m.randomNormal(p.mean().getShape()));
            NDArray lGsnn = Objective.BERNOULLI.perRow(y, generate(x, zp, training)).mean();
            terms.put("gsnn", lGsnn);
            total = lCvae.mul((float) spec.alpha()).add(lGsnn.mul((float) (1 - spec.alpha())));
        }
        return new Loss(total, terms);
    }

    /**
     * A deterministic per-row validation loss: the negative ELBO with z = μ_q (CVAE), the
     * Bernoulli NLL (baseline). Lower is better; used for early stopping only.
     */
    NDArray validationLoss(NDArray x, NDArray y) {
        if (spec.kind() == ConditionalKind.BASELINE) {
            return Objective.BERNOULLI.perRow(y, generate(x, null, false));
        }
        Gaussian q = recognize(x, y, false);
        Gaussian p = priorOf(x, false);
        return Objective.BERNOULLI.perRow(y, generate(x, q.mean(), false)).add(klPerRow(q, p));
    }

    private void requireCvae(String what) {
        if (spec.kind() != ConditionalKind.CVAE) {
            throw new BottleneckException("cannot " + what + " the deterministic baseline: it has no latent code");
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * Builds an untrained model, DJL style: {@code setTask} (or {@code setWidths}) is required,
     * the rest is optional; everything is validated at {@link #build()}.
     */
    public static final class Builder {
        private QuadrantTask task;
        private int inputWidth;
        private int outputWidth;
        private ConditionalKind kind = ConditionalKind.CVAE;
        private List<Integer> hidden = List.of(1000, 1000);
        private int latent = 100;
        private Activation activation = Activation.RELU;
        private GaussianSpec gaussian = GaussianSpec.of(1.0);
        private double alpha = 0.5;
        private Device device = Device.cpu();
        private long seed = 0;

        /** The image-completion task; sets the widths of x and y. */
        public Builder setTask(QuadrantTask t) { task = t; return this; }
        /** Widths of x and y for plain rows (instead of a task). */
        public Builder setWidths(int x, int y) { inputWidth = x; outputWidth = y; return this; }
        /** cvae (default) or baseline. */
        public Builder optKind(ConditionalKind k) { kind = k; return this; }
        /** Hidden widths of every network (default 1000, 1000 as in the paper). */
        public Builder optHidden(List<Integer> h) { hidden = h; return this; }
        /** Width of z (default 100). */
        public Builder optLatent(int l) { latent = l; return this; }
        public Builder optActivation(Activation a) { activation = a; return this; }
        /** β, KL warm-up and log-variance clamp (default β = 1, no warm-up). */
        public Builder optGaussian(GaussianSpec g) { gaussian = g; return this; }
        /** Hybrid weight α of L_CVAE against L_GSNN, in [0, 1] (default 0.5). */
        public Builder optAlpha(double a) { alpha = a; return this; }
        public Builder optDevice(Device d) { device = d; return this; }
        public Builder optSeed(long s) { seed = s; return this; }

        public ConditionalVae build() {
            int dx = inputWidth;
            int dy = outputWidth;
            if (task != null) {
                dx = task.inputWidth();
                dy = task.outputWidth();
            } else if (dx < 1 || dy < 1) {
                throw new BottleneckException("a task (setTask) or the widths of x and y (setWidths, each ≥ 1) must be set,"
                        + " got " + dx + " and " + dy);
            }
            if (kind == null || gaussian == null || activation == null || hidden == null) {
                throw new BottleneckException("kind, gaussian, activation and hidden must not be null");
            }
            ConditionalSpec s = new ConditionalSpec(kind, dx, dy, hidden, latent, activation, gaussian, alpha);
            String family = kind == ConditionalKind.CVAE ? "cvae" : "cvae-baseline";
            return fromConfig(new ConditionalConfig(ModelConfig.FORMAT_VERSION, Version.get(), family, s, task,
                    null, null, null, null), device, seed);
        }
    }
}

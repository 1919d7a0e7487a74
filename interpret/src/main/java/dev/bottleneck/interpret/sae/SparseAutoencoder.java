package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import dev.bottleneck.engine.Engines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sparse autoencoder over one hook's activations, with SAELens' tensor names and layouts:
 * {@code W_enc} (d_in, d_sae), {@code b_enc} (d_sae), {@code W_dec} (d_sae, d_out), {@code b_dec}
 * (d_out), plus {@code log_threshold} (d_sae, trained) for JumpReLU and {@code threshold}
 * (d_sae, estimated, not trained) for BatchTopK. It works in the store's scaled space:
 * {@code encode(x·scale)}; {@link #reconstructRaw} takes and returns raw activations.
 *
 * <pre>
 *   SAE:        pre = (x − b_dec) W_enc + b_enc ;  z = σ(pre) ;  x̂ = z W_dec + b_dec
 *   transcoder: pre = x W_enc + b_enc          ;  z = σ(pre) ;  ŷ = z W_dec + b_dec   (b_dec lives in y's space)
 * </pre>
 * with σ the architecture's sparse activation. Training may select differently from inference
 * (BatchTopK over the batch, gradient TopK with the downstream gradient): see
 * {@link #trainingForward}.
 */
public final class SparseAutoencoder implements AutoCloseable {
    /** Weight of the newest batch in BatchTopK's running threshold (SAELens uses the same). */
    static final float THRESHOLD_RATE = 0.01f;

    private final SaeConfig config;
    private final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    /** BatchTopK: batches folded into the threshold so far in this run. */
    private long thresholdUpdates;
    /**
     * BatchTopK: the previous training batch's cut (0 before the first). A fraction of it is the
     * next selection's floor: cuts of consecutive batches differ by a few per cent, and a floor
     * that proves too high only costs the slower search.
     */
    private float lastCut;
    static final float CUT_FLOOR_FRACTION = 0.9f;

    private SparseAutoencoder(SaeConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        add("W_enc", manager.zeros(new Shape(config.dIn(), config.dSae())), true);
        add("b_enc", manager.zeros(new Shape(config.dSae())), true);
        add("W_dec", manager.zeros(new Shape(config.dSae(), config.dOut())), true);
        add("b_dec", manager.zeros(new Shape(config.dOut())), true);
        if (config.architecture() == SaeArchitecture.JUMPRELU) {
            // θ = exp(log θ) stays positive, and Adam's steps are relative changes of θ
            add("log_threshold", manager.full(new Shape(config.dSae()), (float) Math.log(config.initialThreshold())), true);
        } else if (config.architecture() == SaeArchitecture.BATCHTOPK) {
            add("threshold", manager.zeros(new Shape(config.dSae())), false);
        }
    }

    /**
     * A new SAE: decoder rows random unit vectors (seeded), encoder their transpose, b_enc 0 and
     * b_dec at {@code mean} (the scaled data mean; null for 0).
     */
    public static SparseAutoencoder create(SaeConfig config, NDManager parent, float[] mean) {
        return create(config, parent, mean, mean);
    }

    /**
     * A new SAE or transcoder. For a transcoder, b_dec starts at the target's scaled mean and b_enc
     * at −mean_in·W_enc, so that pre-activations start centred as an SAE's do; W_enc is the
     * decoder's transpose when input and target are equally wide, else its own random unit columns.
     */
    public static SparseAutoencoder create(SaeConfig config, NDManager parent, float[] inputMean, float[] targetMean) {
        SparseAutoencoder sae = new SparseAutoencoder(config, parent.newSubManager());
        Engines.seed(config.seed());
        try (NDManager tmp = sae.manager.newSubManager()) {
            NDArray dir = unitRows(tmp.randomNormal(new Shape(config.dSae(), config.dOut())));
            NDArray enc = config.dIn() == config.dOut() ? dir.transpose()
                    : unitRows(tmp.randomNormal(new Shape(config.dSae(), config.dIn()))).transpose();
            NoGrad.run(() -> {
                sae.array("W_dec").set(dir.toByteBuffer());
                sae.array("W_enc").set(enc.toByteBuffer());
                if (targetMean != null) {
                    sae.array("b_dec").set(targetMean);
                }
                if (config.isTranscoder() && inputMean != null) {
                    sae.array("b_enc").set(tmp.create(inputMean).reshape(1, config.dIn()).matMul(enc).neg()
                            .reshape(config.dSae()).toByteBuffer());
                }
            });
        }
        return sae;
    }

    private static NDArray unitRows(NDArray a) {
        return a.div(a.norm(new int[] {1}, true));
    }

    /** An SAE with zero weights, to be filled from a file. */
    static SparseAutoencoder empty(SaeConfig config, NDManager parent) {
        return new SparseAutoencoder(config, parent.newSubManager());
    }

    public SaeConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** The tensors by SAELens name, in file order (trained ones and BatchTopK's threshold). */
    public Map<String, Parameter> parameters() {
        return params;
    }

    NDArray array(String name) {
        return params.get(name).getArray();
    }

    /**
     * The per-latent inference threshold (d_sae) in {@code m}: exp(log θ) for JumpReLU (still
     * connected to log θ for autograd), the running estimate for BatchTopK; null for the others.
     */
    public NDArray threshold(NDManager m) {
        NDArray t = switch (config.architecture()) {
            case JUMPRELU -> array("log_threshold").exp();
            case BATCHTOPK -> array("threshold").duplicate();
            default -> null;
        };
        if (t != null) {
            t.attach(m);
        }
        return t;
    }

    /**
     * Encoder pre-activations for scaled rows: (x − b_dec)·W_enc + b_enc for an SAE, computed as
     * x·W_enc + (b_enc − b_dec·W_enc). The same numbers, but autograd then takes b_dec's gradient
     * through a (1 × d_in)·(d_in × d_sae) product instead of a whole (rows × d_sae)·(d_sae × d_in)
     * product for the gradient of x − b_dec: one of the training step's six large matrix products.
     */
    public NDArray preActivations(NDArray x) {
        NDArray enc = array("W_enc");
        NDArray product = x.matMul(enc);
        if (config.isTranscoder()) {
            return product.add(array("b_enc"));
        }
        // made from the weights, these would live on the SAE's manager: move them to the batch's
        NDArray bDec = array("b_dec").reshape(1, config.dIn());
        bDec.attach(x.getManager());
        NDArray bias = bDec.matMul(enc).reshape(config.dSae()).neg().add(array("b_enc"));
        return product.add(bias);
    }

    /** The sparse code of scaled rows (inference). */
    public NDArray encode(NDArray x) {
        return activate(preActivations(x));
    }

    /** Scaled reconstruction from a code. */
    public NDArray decode(NDArray code) {
        return code.matMul(array("W_dec")).add(array("b_dec"));
    }

    /** Inference: the same output for a row whatever else is in the batch. */
    public SaeForward forward(NDArray x) {
        NDArray pre = preActivations(x);
        NDArray code = activate(pre);
        return new SaeForward(pre, code, decode(code));
    }

    /**
     * Training: BatchTopK keeps the k·rows largest activations of the batch, gradient TopK ranks
     * latents with {@code gradient} (rows × d_in, the downstream objective's gradient with respect
     * to the hook activation; null: plain TopK), JumpReLU carries its pseudo-derivatives. The
     * others are as at inference.
     */
    public SaeForward trainingForward(NDArray x, NDArray gradient) {
        NDArray pre = preActivations(x);
        NDArray post = Activation.relu(pre);
        if (config.architecture() == SaeArchitecture.BATCHTOPK) {
            TopKSelection.BatchSelection s = TopKSelection.perBatch(post, (int) Math.min(Integer.MAX_VALUE,
                    (long) config.k() * x.getShape().get(0)), CUT_FLOOR_FRACTION * lastCut);
            return new SaeForward(pre, s.code(), decode(s.code()), s.cut());
        }
        NDArray code = switch (config.architecture()) {
            case GTOPK -> gradient == null ? TopKSelection.perRow(post, config.k())
                    : TopKSelection.perRowByScore(post, gradientScore(post, gradient), config.k());
            case JUMPRELU -> JumpRelu.activate(pre, threshold(x.getManager()), config.bandwidth());
            default -> activate(pre);
        };
        return new SaeForward(pre, code, decode(code));
    }

    /**
     * Gradient TopK's ranking, z_i·(1 + β·|⟨g, W_dec,i⟩|), with g scaled so that its mean norm
     * over the batch's rows (those with a gradient) is 1: β is then unit-free, and a latent whose decoder row lies along a
     * typical gradient counts up to 1 + β times its activation.
     */
    NDArray gradientScore(NDArray post, NDArray gradient) {
        NDArray g = gradient.stopGradient();
        // the mean over rows that have a gradient (rows outside a splice have none)
        NDArray norms = g.norm(new int[] {1});
        NDArray meanNorm = norms.sum().div(norms.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum()
                .maximum(1f));
        NDArray unit = g.div(meanNorm.maximum(1e-12f));
        NDArray decoder = array("W_dec").stopGradient();
        decoder.attach(g.getManager()); // a detached view: freed with the batch, the weights stay
        NDArray effect = unit.matMul(decoder.transpose()).abs();
        return post.stopGradient().mul(effect.mul((float) config.gradientWeight()).add(1f));
    }

    /** Raw activations in, raw reconstruction (or transcoder prediction) out; any leading shape. */
    public NDArray reconstructRaw(NDArray raw) {
        Shape s = raw.getShape();
        NDArray x = raw.reshape(-1, config.dIn()).mul((float) config.scale());
        NDArray out = forward(x).reconstruction().div((float) config.targetScale());
        long[] dims = s.getShape().clone();
        dims[dims.length - 1] = config.dOut();
        return out.reshape(new Shape(dims));
    }

    /**
     * Moves BatchTopK's threshold towards the smallest activation kept in a training batch: the
     * plain mean of the first 1/rate batches, then an exponential moving average with weight
     * {@code rate} for the newest batch, so that the estimate follows the last few hundred batches
     * rather than the untrained start (SAELens' EMA starts from 0, and with an EMA from the first
     * batch a run of 60 steps still gave the first batch half the weight). No-op for other
     * architectures.
     */
    void updateThreshold(float smallestKept) {
        if (config.architecture() != SaeArchitecture.BATCHTOPK || !(smallestKept > 0) || smallestKept >= Float.MAX_VALUE) {
            return;
        }
        thresholdUpdates++;
        lastCut = smallestKept;
        float rate = Math.max(THRESHOLD_RATE, 1f / thresholdUpdates);
        NDArray t = array("threshold");
        float current = t.getFloat(0);
        float[] next = new float[config.dSae()];
        java.util.Arrays.fill(next, current + rate * (smallestKept - current));
        NoGrad.run(() -> t.set(next));
    }

    /** BatchTopK: batches folded into the threshold so far (a checkpoint keeps it, so a resumed run weighs alike). */
    long thresholdUpdates() {
        return thresholdUpdates;
    }

    void restoreThresholdUpdates(long n) {
        thresholdUpdates = n;
    }

    /** The architecture's sparse activation at inference. */
    NDArray activate(NDArray pre) {
        NDArray post = Activation.relu(pre);
        return switch (config.architecture()) {
            case TOPK, GTOPK -> TopKSelection.perRow(post, config.k());
            case JUMPRELU, BATCHTOPK -> post.mul(JumpRelu.mask(pre, threshold(pre.getManager())));
            case RELU -> post;
        };
    }

    /** Each row's {@code k} largest entries, the rest zeroed (TopK). */
    static NDArray keepTop(NDArray a, int k) {
        return TopKSelection.perRow(a, k);
    }

    private void add(String name, NDArray a, boolean trained) {
        a.setName(name);
        if (trained) {
            a.setRequiresGradient(true);
        }
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optRequiresGrad(trained).build();
        p.setArray(a);
        params.put(name, p);
    }

    @Override
    public void close() {
        manager.close();
    }
}

package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.bottleneck.engine.Engines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sparse autoencoder over one hook's activations, with SAELens' tensor names and layouts:
 * {@code W_enc} (d_in, d_sae), {@code b_enc} (d_sae), {@code W_dec} (d_sae, d_in), {@code b_dec}
 * (d_in). It works in the store's scaled space: {@code encode(x·scale)}; {@link #reconstructRaw}
 * takes and returns raw activations.
 *
 * <pre>
 *   pre = (x − b_dec) W_enc + b_enc ;  z = σ(pre) ;  x̂ = z W_dec + b_dec
 * </pre>
 * with σ the architecture's sparse activation.
 */
public final class SparseAutoencoder implements AutoCloseable {
    private final SaeConfig config;
    private final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();

    private SparseAutoencoder(SaeConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        add("W_enc", manager.zeros(new Shape(config.dIn(), config.dSae())));
        add("b_enc", manager.zeros(new Shape(config.dSae())));
        add("W_dec", manager.zeros(new Shape(config.dSae(), config.dIn())));
        add("b_dec", manager.zeros(new Shape(config.dIn())));
    }

    /**
     * A new SAE: decoder rows random unit vectors (seeded), encoder their transpose, b_enc 0 and
     * b_dec at {@code mean} (the scaled data mean; null for 0).
     */
    public static SparseAutoencoder create(SaeConfig config, NDManager parent, float[] mean) {
        SparseAutoencoder sae = new SparseAutoencoder(config, parent.newSubManager());
        Engines.seed(config.seed());
        try (NDManager tmp = sae.manager.newSubManager()) {
            NDArray dir = tmp.randomNormal(new Shape(config.dSae(), config.dIn()));
            dir = dir.div(dir.norm(new int[] {1}, true));
            NDArray d = dir;
            NoGrad.run(() -> {
                sae.array("W_dec").set(d.toByteBuffer());
                sae.array("W_enc").set(d.transpose().toByteBuffer());
                if (mean != null) {
                    sae.array("b_dec").set(mean);
                }
            });
        }
        return sae;
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

    /** The four tensors by SAELens name, in file order. */
    public Map<String, Parameter> parameters() {
        return params;
    }

    NDArray array(String name) {
        return params.get(name).getArray();
    }

    /** Encoder pre-activations for scaled rows. */
    public NDArray preActivations(NDArray x) {
        return x.sub(array("b_dec")).matMul(array("W_enc")).add(array("b_enc"));
    }

    /** The sparse code of scaled rows. */
    public NDArray encode(NDArray x) {
        return activate(preActivations(x));
    }

    /** Scaled reconstruction from a code. */
    public NDArray decode(NDArray code) {
        return code.matMul(array("W_dec")).add(array("b_dec"));
    }

    public SaeForward forward(NDArray x) {
        NDArray pre = preActivations(x);
        NDArray code = activate(pre);
        return new SaeForward(pre, code, decode(code));
    }

    /** Raw activations in, raw reconstruction out (any leading shape, last axis d_in). */
    public NDArray reconstructRaw(NDArray raw) {
        Shape s = raw.getShape();
        NDArray x = raw.reshape(-1, config.dIn()).mul((float) config.scale());
        return forward(x).reconstruction().div((float) config.scale()).reshape(s);
    }

    /** The architecture's sparse activation. */
    NDArray activate(NDArray pre) {
        NDArray post = ai.djl.nn.Activation.relu(pre);
        if (config.architecture() == SaeArchitecture.TOPK) {
            return keepTop(post, config.k());
        }
        return post;
    }

    /**
     * Keeps each row's {@code k} largest entries and zeroes the rest. The mask is a comparison,
     * so gradients flow only through the kept entries. (Exact ties at the k-th value keep all.)
     */
    static NDArray keepTop(NDArray a, int k) {
        NDArray kth = a.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
        return a.mul(a.gte(kth).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
    }

    private void add(String name, NDArray a) {
        a.setName(name);
        a.setRequiresGradient(true);
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(a);
        params.put(name, p);
    }

    @Override
    public void close() {
        manager.close();
    }
}

package dev.bottleneck.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.TrainingConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal TopK sparse autoencoder, private to the performance harness: encoder Linear d→m,
 * keep the k largest pre-activations of each row (ReLU'd, the rest zero), decoder Linear m→d, MSE,
 * the project's fused Adam. The k-th largest value of each row is taken with topK and used as a
 * threshold mask, which costs the same as topK + scatter and keeps the graph to ops DJL exposes.
 *
 * <p>TODO(sae): switch the harness to the real SAE package (branch {@code sae}) when it lands, and
 * delete this class.
 */
final class BenchTopKSae implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final AdamOptimizer adam;
    private final int k;

    BenchTopKSae(int d, int latents, int k, long seed) {
        this.k = k;
        this.manager = Engines.newManager(Device.cpu());
        Engines.seed(seed);
        float bound = (float) (1 / Math.sqrt(d));
        NDArray encoder = manager.randomUniform(-bound, bound, new Shape(d, latents));
        // decoder starts as the encoder's transpose, the usual SAE initialisation
        add("W_enc", encoder);
        add("b_enc", manager.zeros(new Shape(latents)));
        add("W_dec", encoder.transpose().duplicate());
        add("b_dec", manager.zeros(new Shape(d)));
        adam = new AdamOptimizer(TrainingConfig.builder().optLearningRate(1e-3).build(), manager);
    }

    private void add(String name, NDArray a) {
        a.setRequiresGradient(true);
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(a);
        params.put(name, p);
    }

    /** One training step on rows {@code x} (batch × d); temporaries live in {@code step}. Returns the loss. */
    float step(NDArray x, NDManager step) {
        NDArray loss;
        try (GradientCollector gc = Engines.engine().newGradientCollector()) {
            NDArray pre = x.sub(param("b_dec")).matMul(param("W_enc")).add(param("b_enc"));
            NDArray kth = pre.topK(k, 1, true, false).get(0).min(new int[] {1}, true);
            NDArray keep = pre.gte(kth).toType(DataType.FLOAT32, false);
            NDArray codes = ai.djl.nn.Activation.relu(pre).mul(keep);
            NDArray reconstruction = codes.matMul(param("W_dec")).add(param("b_dec"));
            loss = reconstruction.sub(x).square().mean();
            gc.backward(loss);
        }
        adam.update(params, 1e-3, step);
        return loss.getFloat();
    }

    private NDArray param(String name) {
        return params.get(name).getArray();
    }

    @Override
    public void close() {
        adam.close();
        manager.close();
    }
}

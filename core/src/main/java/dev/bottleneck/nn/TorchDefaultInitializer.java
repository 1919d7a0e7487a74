package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

import java.util.Map;

/**
 * PyTorch's default weight initialisation for linear and convolution layers (Kaiming uniform with
 * a = √5, i.e. U(−1/√fan_in, 1/√fan_in)), so that a network built here starts from the same
 * distribution as the equivalent {@code torch.nn} module and training curves can be compared with
 * PyTorch runs. fan_in is computed from dimension 1 onwards, exactly as PyTorch does — for a
 * transposed convolution, whose weight is (in, out, kh, kw), that is out·kh·kw, as in PyTorch.
 * Biases get the same bound from their layer's weight ({@link #initializeBiases}), which an
 * initializer cannot see on its own (it is handed only the bias's shape).
 */
public final class TorchDefaultInitializer implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
        float bound = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
        return manager.randomUniform(-bound, bound, shape, dataType, manager.getDevice());
    }

    /**
     * Draws every bias of a linear or convolution layer from U(−1/√fan_in, 1/√fan_in) of its
     * sibling weight, as PyTorch's layers do. Batch-norm shifts (type BETA) stay at zero.
     *
     * @param params parameters by PyTorch-style name ({@code encoder.0.weight}, {@code encoder.0.bias})
     */
    public static void initializeBiases(Map<String, Parameter> params) {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter bias = e.getValue();
            if (bias.getType() != Parameter.Type.BIAS || !e.getKey().endsWith(".bias")) {
                continue;
            }
            String prefix = e.getKey().substring(0, e.getKey().length() - "bias".length());
            Parameter weight = params.get(prefix + "weight");
            if (weight == null || weight.getType() != Parameter.Type.WEIGHT) {
                continue;
            }
            Shape ws = weight.getArray().getShape();
            long fanIn = ws.dimension() > 1 ? ws.size() / ws.get(0) : ws.get(0);
            float bound = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
            NDArray b = bias.getArray();
            NDManager m = b.getManager();
            try (NDArray drawn = m.randomUniform(-bound, bound, b.getShape(), b.getDataType(), b.getDevice())) {
                b.set(drawn.toByteBuffer());
            }
        }
    }
}

package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * PyTorch's default weight initialisation for linear and convolution layers (Kaiming uniform with
 * a = √5, i.e. U(−1/√fan_in, 1/√fan_in)), so that a network built here starts from the same
 * distribution as the equivalent {@code torch.nn} module and training curves can be compared with
 * PyTorch runs. fan_in is computed from dimension 1 onwards, exactly as PyTorch does — for a
 * transposed convolution, whose weight is (in, out, kh, kw), that is out·kh·kw, as in PyTorch.
 */
public final class TorchDefaultInitializer implements Initializer {
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long fanIn = shape.dimension() > 1 ? shape.size() / shape.get(0) : shape.get(0);
        float bound = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
        return manager.randomUniform(-bound, bound, shape, dataType, manager.getDevice());
    }
}

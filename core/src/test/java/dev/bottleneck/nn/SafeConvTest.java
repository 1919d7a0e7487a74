package dev.bottleneck.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SafeConv's gradients are right where the engine's are not: for y = conv(x), linear in x, the
 * gradient of ⟨g, y⟩ must satisfy ⟨∇x, x⟩ = ⟨g, y⟩ exactly (up to float rounding). The cases
 * include output-map counts for which libtorch 2.7.1's own convolution fails this check.
 */
class SafeConvTest {
    @ParameterizedTest
    @CsvSource({
        // outMaps, inMaps, kernel, stride
        "1, 32, 3, 1", "4, 32, 2, 1", "8, 64, 2, 1", "12, 3, 3, 1", "20, 32, 3, 1", "4, 1, 2, 2", "24, 1, 3, 2", "32, 1, 3, 2", "64, 32, 3, 2"
    })
    void inputGradientSatisfiesTheAdjointIdentity(int out, int in, int k, int s) {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            Engines.seed(out * 31 + in);
            NDArray w = m.randomNormal(new Shape(out, in, k, k));
            NDArray x = m.randomNormal(new Shape(8, in, 14, 14));
            x.setRequiresGradient(true);
            NDArray y;
            NDArray g;
            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                y = SafeConv.conv2d(x, w, s, 1, 1);
                g = m.randomNormal(y.getShape());
                gc.backward(y.mul(g).sum());
            }
            double lhs = x.getGradient().mul(x).sum().getFloat();
            double rhs = y.mul(g).sum().getFloat();
            assertEquals(rhs, lhs, 1e-4 * Math.max(1, Math.abs(rhs)));
        }
    }

    @ParameterizedTest
    @CsvSource({"4, 32, 2, 1", "24, 1, 3, 2"})
    void forwardEqualsTheEngineConvolution(int out, int in, int k, int s) {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray w = m.randomNormal(new Shape(out, in, k, k));
            NDArray x = m.randomNormal(new Shape(4, in, 9, 9));
            NDArray ours = SafeConv.conv2d(x, w, s, 1, 1);
            NDArray engine = Conv2d.conv2d(x, w, null, new Shape(s, s), new Shape(1, 1)).singletonOrThrow();
            assertEquals(engine.getShape(), ours.getShape());
            assertArrayEquals(engine.toFloatArray(), ours.toFloatArray(), 1e-5f);
        }
    }
}

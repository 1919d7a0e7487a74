package dev.bottleneck.bottleneck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import ai.djl.Device;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** MemAE addressing: weights form a distribution, shrinkage removes small ones, entropy is a loss term. */
class MemoryBottleneckTest {

    @Test
    void weightsSumToOneAndShrinkageZeroesSmallOnes() {
        try (NDManager m = Engines.newManager(Device.cpu())) {
            // 5 memory items in 2-d; logits for z = (2, 0) are 2, 0, −2, 1, 0 → softmax ≈ .60, .08, .01, .22, .08
            NDArray memory = m.create(new float[] {1, 0, 0, 1, -1, 0, 0.5f, 0, 0, -1}, new Shape(5, 2));
            NDArray z = m.create(new float[] {2, 0, 0, 0}, new Shape(2, 2));
            float[] plain = MemoryBottleneck.address(z, memory, 0).toFloatArray();
            float[] shrunk = MemoryBottleneck.address(z, memory, 0.1).toFloatArray();
            for (float[] w : new float[][] {plain, shrunk}) {
                for (int r = 0; r < 2; r++) {
                    double sum = 0;
                    for (int k = 0; k < 5; k++) {
                        assertTrue(w[r * 5 + k] >= 0);
                        sum += w[r * 5 + k];
                    }
                    assertEquals(1.0, sum, 1e-5, "row " + r + " sums to 1");
                }
            }
            double[] soft = softmax(new double[] {2, 0, -2, 1, 0});
            for (int k = 0; k < 5; k++) {
                assertEquals(soft[k], plain[k], 1e-5);
            }
            // λ = 0.1 keeps only the items above it (.61 and .22), renormalised
            double kept = soft[0] + soft[3];
            assertEquals(soft[0] / kept, shrunk[0], 1e-4);
            assertEquals(0.0, shrunk[1], 0.0);
            assertEquals(0.0, shrunk[2], 0.0);
            assertEquals(soft[3] / kept, shrunk[3], 1e-4);
            assertEquals(0.0, shrunk[4], 0.0);
            // z = 0 gives uniform weights 0.2 > λ: nothing is cut
            for (int k = 0; k < 5; k++) {
                assertEquals(0.2, shrunk[5 + k], 1e-5);
            }
        }
    }

    @Test
    void codeIsAMixtureOfMemoryItemsAndEntropyIsAPenalty() {
        MemorySpec spec = new MemorySpec(3, 0, 0.5);
        Bottleneck b = spec.create(2);
        try (NDManager m = Engines.newManager(Device.cpu())) {
            b.block().initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 2));
            NDArray z = m.randomNormal(new Shape(4, 2));
            BottleneckOutput train = b.apply(new BottleneckInput(z, z, true, a -> a));
            BottleneckOutput infer = b.apply(new BottleneckInput(z, z, false, a -> a));
            assertEquals(new Shape(4, 2), infer.code().getShape());
            assertTrue(infer.penalties().isEmpty());
            Map<String, NDArray> p = train.penalties();
            float entropy = p.get("memory_entropy").getFloat();
            // entropy of 3 weights is in [0, ln 3], times 0.5
            assertTrue(entropy >= 0 && entropy <= 0.5 * Math.log(3) + 1e-6, "entropy " + entropy);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(BottleneckException.class, () -> new MemorySpec(0, 0, 0).validate());
        assertThrows(BottleneckException.class, () -> new MemorySpec(10, 1, 0).validate());
        assertThrows(BottleneckException.class, () -> new MemorySpec(10, 0.1, -1).validate());
        assertEquals(0.01, MemorySpec.of(100).shrinkThreshold(), 1e-12);
    }

    private static double[] softmax(double[] x) {
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i]);
            sum += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}

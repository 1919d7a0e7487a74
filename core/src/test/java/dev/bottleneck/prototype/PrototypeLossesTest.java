package dev.bottleneck.prototype;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.Test;

/** The prototype layer's formulas on cases small enough to check by hand. */
class PrototypeLossesTest {
    // codes (0,0), (1,0), (0,2); prototypes (0,0), (3,0)
    // squared distances: row 0 → 0, 9; row 1 → 1, 4; row 2 → 4, 13
    private static final float[] CODES = {0, 0, 1, 0, 0, 2};
    private static final float[] PROTOS = {0, 0, 3, 0};

    @Test
    void distancesR1AndR2MatchTheHandComputedValues() {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray d = PrototypeLosses.squaredDistances(m.create(CODES, new Shape(3, 2)), m.create(PROTOS, new Shape(2, 2)));
            assertEquals(new Shape(3, 2), d.getShape());
            assertArrayEquals(new float[] {0, 9, 1, 4, 4, 13}, d.toFloatArray(), 1e-5f);
            // R1: nearest example of prototype 1 is at 0, of prototype 2 at 4 → (0 + 4) / 2
            assertEquals(2.0, PrototypeLosses.r1(d).getFloat(), 1e-5);
            // R2: nearest prototype of each example: 0, 1, 4 → 5 / 3
            assertEquals(5.0 / 3, PrototypeLosses.r2(d).getFloat(), 1e-5);
        }
    }

    @Test
    void r1AndR2AreNotTheSameTermWhenPrototypesOutnumberTheirNearExamples() {
        // one example (0,0) and prototypes (0,0), (2,0): R2 is 0 (the example sits on a prototype)
        // but R1 is (0 + 4) / 2 = 2 (the second prototype is far from every example)
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray d = PrototypeLosses.squaredDistances(m.create(new float[] {0, 0}, new Shape(1, 2)),
                    m.create(new float[] {0, 0, 2, 0}, new Shape(2, 2)));
            assertEquals(2.0, PrototypeLosses.r1(d).getFloat(), 1e-5);
            assertEquals(0.0, PrototypeLosses.r2(d).getFloat(), 1e-5);
        }
    }

    @Test
    void crossEntropyAndReconstructionMatchTheirDefinitions() {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            // logits (0, ln 3) → softmax (1/4, 3/4); label 1 → −ln(3/4); label 0 → −ln(1/4)
            NDArray logits = m.create(new float[] {0, (float) Math.log(3), 0, (float) Math.log(3)}, new Shape(2, 2));
            NDArray labels = m.create(new int[] {1, 0});
            double expected = (-Math.log(0.75) - Math.log(0.25)) / 2;
            assertEquals(expected, PrototypeLosses.crossEntropy(logits, labels).getFloat(), 1e-5);
            // squared error summed over features, averaged over rows: (1 + 4) and (0) → 2.5
            NDArray x = m.create(new float[] {1, 2, 5, 5}, new Shape(2, 2));
            NDArray xHat = m.create(new float[] {0, 0, 5, 5}, new Shape(2, 2));
            assertEquals(2.5, PrototypeLosses.reconstruction(x, xHat).getFloat(), 1e-5);
        }
    }
}

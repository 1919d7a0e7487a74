package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The straight-through estimator against the paper's formulas, computed by hand on a 3 × 3 case
 * with entries inside and outside the kernel window, above and below θ.
 */
class JumpReluTest {
    static final float EPS = 0.1f;
    // rows × latents; θ = (0.5, 1.0, 0.2); window |z − θ| < ε/2 = 0.05
    static final float[] PRE = {
        0.52f, 0.40f, 0.21f,   // in window, out (below), in
        0.70f, 0.98f, 0.10f,   // out (above), in, out
        0.46f, 1.20f, 0.17f};  // in, out (above), in
    static final float[] THETA = {0.5f, 1.0f, 0.2f};
    // upstream gradient ∂L/∂out, L = Σ out·W
    static final float[] W = {1f, 2f, 3f, -1f, 0.5f, 2f, 4f, 1f, -2f};
    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static boolean inWindow(int i) {
        return Math.abs(PRE[i] - THETA[i % 3]) < EPS / 2;
    }

    @Test
    void jumpReluValueIsExactAndGradientsAreThePapers() {
        try (NDManager m = manager.newSubManager()) {
            NDArray logTheta = m.create(THETA).log();
            logTheta.setRequiresGradient(true);
            NDArray pre = m.create(PRE, new Shape(3, 3));
            pre.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                out = JumpRelu.activate(pre, logTheta.exp(), EPS);
                gc.backward(out.mul(m.create(W, new Shape(3, 3))).sum());
            }
            float[] expectedValue = new float[9];
            float[] expectedPre = new float[9];
            float[] expectedLogTheta = new float[3];
            for (int i = 0; i < 9; i++) {
                int j = i % 3;
                boolean on = PRE[i] > THETA[j];
                expectedValue[i] = on ? PRE[i] : 0f;
                expectedPre[i] = on ? W[i] : 0f;
                // ∂/∂θ = −(θ/ε)·K·w, times dθ/dlogθ = θ
                if (inWindow(i)) {
                    expectedLogTheta[j] += -(THETA[j] / EPS) * W[i] * THETA[j];
                }
            }
            assertArrayEquals(expectedValue, out.toFloatArray(), 0f);
            assertArrayEquals(expectedPre, pre.getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(expectedLogTheta, logTheta.getGradient().toFloatArray(), 1e-4f);
        }
    }

    @Test
    void stepValueIsTheHeavisideWithNoGradientForThePreActivations() {
        try (NDManager m = manager.newSubManager()) {
            NDArray theta = m.create(THETA);
            theta.setRequiresGradient(true);
            NDArray pre = m.create(PRE, new Shape(3, 3));
            pre.setRequiresGradient(true);
            NDArray out;
            try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                // the L0 penalty is Σ H(z − θ); W stands for any upstream gradient
                out = JumpRelu.step(pre, theta, EPS);
                gc.backward(out.mul(m.create(W, new Shape(3, 3))).sum().add(pre.sum().mul(0f)));
            }
            float[] expectedValue = new float[9];
            float[] expectedTheta = new float[3];
            for (int i = 0; i < 9; i++) {
                int j = i % 3;
                expectedValue[i] = PRE[i] > THETA[j] ? 1f : 0f;
                if (inWindow(i)) {
                    expectedTheta[j] += -(1f / EPS) * W[i];
                }
            }
            assertArrayEquals(expectedValue, out.toFloatArray(), 0f);
            assertArrayEquals(new float[9], pre.getGradient().toFloatArray(), 0f);
            assertArrayEquals(expectedTheta, theta.getGradient().toFloatArray(), 1e-4f);
        }
    }
}

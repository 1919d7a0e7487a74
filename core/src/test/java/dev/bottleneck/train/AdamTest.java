package dev.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The fused-kernel optimizer against torch.optim.Adam / AdamW written out in Java doubles:
 *
 * <pre>
 *   g ← g + λw                      (Adam only: L2 decay folded into the gradient)
 *   w ← w·(1 − lr·λ)                (AdamW only: decoupled decay)
 *   m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
 *   w ← w − lr · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 *
 * Tolerance: weights are O(1) and kept in float32 (ulp ≈ 1.2e-7 at 1) and the kernel computes in
 * float32. It also receives β₁, β₂ as floats: 0.999f = 0.99900001287, so its 1 − β₂ is 1.3e-5
 * (relative) smaller than PyTorch's double 0.001, which shifts sqrt(v̂) and so each update by up
 * to ~1e-5 relative. Weights are therefore compared to 1e-6 + 2e-5·lr absolute (3e-6 at lr 0.1)
 * and moments to 5e-5 relative. Learning rates are 0.1 so every update (≥ 0.009) is ≥ 3 000 times
 * the tolerance; the ε-sensitive case differs from the ε-free formula by ~10 % of its update.
 */
class AdamTest {
    static final double TOL = 1e-6 + 2e-5 * 0.1;
    static final double MOMENT_REL = 5e-5;

    /** Reference Adam state for one tensor, in double. */
    static final class Ref {
        final double[] w;
        final double[] m;
        final double[] v;
        int t;

        Ref(float[] w0) {
            w = new double[w0.length];
            for (int i = 0; i < w0.length; i++) {
                w[i] = w0[i];
            }
            m = new double[w0.length];
            v = new double[w0.length];
        }

        void step(double[] grad, double lr, double b1, double b2, double eps, double wd, boolean adamw) {
            t++;
            for (int i = 0; i < w.length; i++) {
                double g = grad[i];
                if (adamw) {
                    w[i] *= 1 - lr * wd;
                } else {
                    g += wd * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    /** Sets the gradient of every parameter to a known value: d/dw Σ w·c = c. */
    static void setGradients(Map<String, Parameter> params, Map<String, float[]> grads, NDManager scratch) {
        try (GradientCollector gc = Engines.engine().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray c = scratch.create(grads.get(e.getKey()));
                NDArray term = e.getValue().getArray().mul(c).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    static Parameter param(NDManager m, String name, float[] values) {
        NDArray a = m.create(values);
        a.setRequiresGradient(true);
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(a).build();
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void assertClose(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    /**
     * Runs {@code grads.size()} optimizer steps on one tensor and checks weights and moments against
     * the reference after every step.
     */
    static void check(TrainingConfig c, float[] w0, List<float[]> grads) {
        double lr = c.learningRate();
        try (NDManager root = Engines.newManager(Device.cpu()); AdamOptimizer opt = new AdamOptimizer(c, root)) {
            Parameter p = param(root, "w", w0);
            Map<String, Parameter> params = Map.of("w", p);
            Ref ref = new Ref(w0);
            for (float[] g : grads) {
                try (NDManager scratch = root.newSubManager()) {
                    setGradients(params, Map.of("w", g), scratch);
                    opt.update(params, lr, scratch);
                }
                ref.step(toDouble(g), lr, c.beta1(), c.beta2(), c.epsilon(), c.weightDecay(),
                        c.optimizer() == TrainingConfig.OptimizerKind.ADAMW);
                assertEquals(ref.t, opt.step());
                assertClose(ref.w, p.getArray().toFloatArray(), TOL, "weight after step " + ref.t);
                NDList state = opt.state();
                assertEquals("w.exp_avg", state.get(0).getName());
                assertEquals("w.exp_avg_sq", state.get(1).getName());
                // moments are checked relative to their own size (v can be ~1e-21 for tiny gradients)
                float[] m = state.get(0).toFloatArray();
                float[] v = state.get(1).toFloatArray();
                for (int i = 0; i < m.length; i++) {
                    assertEquals(ref.m[i], m[i], MOMENT_REL * Math.abs(ref.m[i]), "exp_avg[" + i + "]");
                    assertEquals(ref.v[i], v[i], MOMENT_REL * Math.abs(ref.v[i]), "exp_avg_sq[" + i + "]");
                }
            }
        }
    }

    static TrainingConfig.Builder base() {
        return TrainingConfig.builder().optLearningRate(0.1).optBetas(0.9, 0.999).optEpsilon(1e-8);
    }

    @Test
    void oneAndTwoAdamSteps() {
        float[] w0 = {0.3f, -0.7f, 1.2f, 0f, 0.05f};
        check(base().build(), w0, List.of(
                new float[] {0.5f, -2f, 1e-3f, 3f, -0.01f},
                new float[] {-0.25f, 1f, 2e-3f, -3f, 0.04f}));
    }

    @Test
    void otherBetasAndEpsilon() {
        check(base().optBetas(0.5, 0.9).optEpsilon(1e-3).build(), new float[] {1f, -1f, 0.5f},
                List.of(new float[] {0.01f, -0.002f, 1f}, new float[] {0.03f, 0.001f, -1f},
                        new float[] {-0.02f, 0.004f, 0.5f}));
    }

    /**
     * |g| ~ 1e-9 is below ε = 1e-8, so the step is lr·g/(|g| + ε) ≈ lr/11 rather than lr: the
     * formula only holds if ε is added to the bias-corrected sqrt(v̂).
     */
    @Test
    void tinyGradientsWhereEpsilonMatters() {
        float[] w0 = {0.5f, -0.25f, 1f};
        List<float[]> grads = List.of(new float[] {1e-9f, -3e-9f, 2e-9f}, new float[] {2e-9f, -1e-9f, 5e-10f});
        check(base().build(), w0, grads);
        // and the reference really is ε-sensitive here: without ε the first step would be a full lr
        Ref ref = new Ref(w0);
        ref.step(toDouble(grads.get(0)), 0.1, 0.9, 0.999, 1e-8, 0, false);
        assertEquals(0.1 / 11, w0[0] - ref.w[0], 1e-4, "step 1 moves by lr·|g|/(|g| + ε) = lr/11");
    }

    @Test
    void adamWeightDecayIsL2() {
        check(base().optWeightDecay(0.1).build(), new float[] {2f, -1f, 0.5f},
                List.of(new float[] {0.1f, 0.2f, -0.3f}, new float[] {0.2f, -0.1f, 0.3f}));
    }

    @Test
    void adamwDecayIsDecoupled() {
        TrainingConfig c = base().optWeightDecay(0.1).optOptimizer(TrainingConfig.OptimizerKind.ADAMW).build();
        float[] w0 = {2f, -1f, 0.5f};
        List<float[]> grads = List.of(new float[] {0.1f, 0.2f, -0.3f}, new float[] {0.2f, -0.1f, 0.3f});
        check(c, w0, grads);
        // the two decays really differ on these numbers (by far more than the tolerance)
        Ref l2 = new Ref(w0);
        Ref dec = new Ref(w0);
        for (float[] g : grads) {
            l2.step(toDouble(g), 0.1, 0.9, 0.999, 1e-8, 0.1, false);
            dec.step(toDouble(g), 0.1, 0.9, 0.999, 1e-8, 0.1, true);
        }
        assertTrue(Math.abs(l2.w[0] - dec.w[0]) > 1e-3);
    }

    /**
     * Global-norm clipping: the first gradients (norm 5 over two tensors) are scaled by
     * clip/(norm + 1e-6); the second (norm 0.5) pass unchanged. Adam's first step is blind to a
     * uniform scale, the second is not, so two steps show whether the scale was applied.
     */
    @Test
    void globalNormClipping() {
        TrainingConfig c = base().optClipNorm(1.0).build();
        Map<String, float[]> g1 = Map.of("a", new float[] {3f, 0f}, "b", new float[] {0f, 4f, 0f});
        Map<String, float[]> g2 = Map.of("a", new float[] {0.3f, 0f}, "b", new float[] {0f, 0f, -0.4f});
        try (NDManager root = Engines.newManager(Device.cpu()); AdamOptimizer opt = new AdamOptimizer(c, root)) {
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("a", param(root, "a", new float[] {1f, 2f}));
            params.put("b", param(root, "b", new float[] {-1f, 0.5f, 0.25f}));
            Ref a = new Ref(new float[] {1f, 2f});
            Ref b = new Ref(new float[] {-1f, 0.5f, 0.25f});
            double[] norms = {5, 0.5};
            int k = 0;
            for (Map<String, float[]> g : List.of(g1, g2)) {
                double norm;
                try (NDManager scratch = root.newSubManager()) {
                    setGradients(params, g, scratch);
                    norm = opt.update(params, 0.1, scratch);
                }
                assertEquals(norms[k], norm, 1e-6, "the returned norm is the unclipped global norm");
                double scale = norms[k] > 1 ? 1.0 / (norms[k] + 1e-6) : 1.0;
                double[] ga = toDouble(g.get("a"));
                double[] gb = toDouble(g.get("b"));
                for (int i = 0; i < ga.length; i++) {
                    ga[i] *= scale;
                }
                for (int i = 0; i < gb.length; i++) {
                    gb[i] *= scale;
                }
                a.step(ga, 0.1, 0.9, 0.999, 1e-8, 0, false);
                b.step(gb, 0.1, 0.9, 0.999, 1e-8, 0, false);
                assertClose(a.w, params.get("a").getArray().toFloatArray(), TOL, "a after step " + (k + 1));
                assertClose(b.w, params.get("b").getArray().toFloatArray(), TOL, "b after step " + (k + 1));
                k++;
            }
        }
    }

    /**
     * With clipping on, a step whose gradient holds an infinity or a NaN is skipped: weights,
     * moments and the step count come out as if only the two finite gradients had been seen.
     * Without the skip the clip would rescale by clip/∞ = 0 and the update 0·∞ = NaN.
     */
    @Test
    void nonFiniteGradientStepsAreSkipped() {
        TrainingConfig c = base().optClipNorm(10.0).build();
        float[] w0 = {1f, -0.5f};
        List<float[]> finite = List.of(new float[] {0.2f, -0.1f}, new float[] {-0.3f, 0.4f});
        try (NDManager root = Engines.newManager(Device.cpu()); AdamOptimizer opt = new AdamOptimizer(c, root)) {
            Map<String, Parameter> params = Map.of("w", param(root, "w", w0));
            Ref ref = new Ref(w0);
            List<float[]> seen = List.of(finite.get(0), new float[] {Float.POSITIVE_INFINITY, 1f},
                    new float[] {Float.NaN, 0f}, finite.get(1));
            for (float[] g : seen) {
                double norm;
                try (NDManager scratch = root.newSubManager()) {
                    setGradients(params, Map.of("w", g), scratch);
                    norm = opt.update(params, 0.1, scratch);
                }
                if (Double.isFinite(norm)) {
                    ref.step(toDouble(g), 0.1, 0.9, 0.999, 1e-8, 0, false);
                }
                assertClose(ref.w, params.get("w").getArray().toFloatArray(), TOL, "after a step of " + g[0]);
            }
            assertEquals(2, opt.step());
            assertEquals(2, opt.skippedSteps());
            float[] m = opt.state().get(0).toFloatArray();
            assertEquals(ref.m[0], m[0], MOMENT_REL * Math.abs(ref.m[0]), "exp_avg untouched by the skipped steps");
        }
    }
}

package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAEs whose weights are written by hand so that the error e = x − x̂ is known: a linear map of x
 * (all of it predictable), or |x₀|·u on symmetric x (uncorrelated with x: nothing predictable).
 */
class DarkMatterTest {
    static final int D = 16;
    static final String HOOK = "blocks.0.hook_resid_post";

    @TempDir static Path dir;
    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Rows of d values from {@code draw}, 6000 training and 3000 held-out. */
    static ActivationStore store(String name, java.util.function.DoubleSupplier draw) {
        float[] train = new float[6000 * D];
        float[] held = new float[3000 * D];
        for (float[] a : new float[][] {train, held}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) draw.getAsDouble();
            }
        }
        return ActivationStore.create(dir.resolve(name), HOOK, D, train, held, 3);
    }

    static SparseAutoencoder sae(ActivationStore store, int dSae, float[] wEnc, float[] wDec) {
        SaeConfig c = SaeConfig.builder().setShape(D, dSae).setHook(HOOK, "synthetic", store.info().scale())
                .optArchitecture(SaeArchitecture.RELU).build();
        SparseAutoencoder sae = SparseAutoencoder.empty(c, manager);
        NoGrad.run(() -> {
            sae.array("W_enc").set(wEnc);
            sae.array("W_dec").set(wDec);
        });
        return sae;
    }

    /** Identity encoder on positive data (ReLU passes it) and decoder M: e = x(I − M). */
    static SparseAutoencoder linearError(ActivationStore store, float[] m) {
        float[] eye = new float[D * D];
        for (int i = 0; i < D; i++) {
            eye[i * D + i] = 1;
        }
        return sae(store, D, eye, m);
    }

    @Test
    void anErrorThatIsALinearMapOfTheInputIsAllPredictable() {
        Random r = new Random(1);
        ActivationStore store = store("linear", () -> 1 + 2 * r.nextDouble());
        float[] m = new float[D * D];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (0.3 * r.nextGaussian()) + (i % (D + 1) == 0 ? 0.5f : 0);
        }
        try (SparseAutoencoder sae = linearError(store, m)) {
            DarkMatter.Result res = DarkMatter.builder().build().measure(sae, store);
            assertTrue(res.errorVarianceExplained() > 0.999, "pooled R² " + res.errorVarianceExplained());
            assertTrue(res.errorVarianceExplainedPerDimension() > 0.999, "per-dimension R² " + res);
            assertTrue(res.fvuNonlinear() < 1e-3 * res.fvu(), res.toString());
            assertEquals(6000, res.trainTokens());
            assertEquals(3000, res.heldOutTokens());
            // the same FVU as the evaluator's, from an independent pass
            assertEquals(SaeEvaluator.evaluate(sae, store, ActivationStore.Split.HELD_OUT, 0, 512).fvu(), res.fvu(),
                    1e-4 * res.fvu());
        }
    }

    @Test
    void aSquaredErrorNormThatIsLinearInTheInputIsPredictable() {
        // binary inputs (x² = x) and a diagonal map: ‖e‖² = Σ c_j² x_j², linear in x
        Random r = new Random(2);
        ActivationStore store = store("binary", () -> r.nextBoolean() ? 1 : 0);
        float[] m = new float[D * D];
        for (int i = 0; i < D; i++) {
            m[i * D + i] = 1 - (i + 1) / (float) D;
        }
        try (SparseAutoencoder sae = linearError(store, m)) {
            DarkMatter.Result res = DarkMatter.builder().build().measure(sae, store);
            assertTrue(res.errorNormR2() > 0.999, "norm R² " + res.errorNormR2());
        }
    }

    @Test
    void anErrorUncorrelatedWithTheInputIsNotPredictable() {
        // latents relu(x_j) and relu(−x_j) decode to x minus |x_0|·u: e = |x_0|·u, and on symmetric
        // x, |x_0| and |x_0|² have zero covariance with every x_j
        Random r = new Random(3);
        ActivationStore store = store("symmetric", r::nextGaussian);
        float[] wEnc = new float[D * 2 * D];
        float[] wDec = new float[2 * D * D];
        float[] u = new float[D];
        double un = 0;
        for (int j = 0; j < D; j++) {
            u[j] = (float) r.nextGaussian();
            un += u[j] * u[j];
        }
        for (int j = 0; j < D; j++) {
            wEnc[j * 2 * D + j] = 1;
            wEnc[j * 2 * D + D + j] = -1;
            wDec[j * D + j] = 1;
            wDec[(D + j) * D + j] = -1;
        }
        for (int k = 0; k < D; k++) {
            wDec[k] -= (float) (u[k] / Math.sqrt(un));
            wDec[D * D + k] -= (float) (u[k] / Math.sqrt(un));
        }
        try (SparseAutoencoder sae = sae(store, 2 * D, wEnc, wDec)) {
            DarkMatter.Result res = DarkMatter.builder().build().measure(sae, store);
            assertTrue(res.fvu() > 0.01, "the construction must leave an error: " + res);
            assertTrue(Math.abs(res.errorVarianceExplained()) < 0.03, "pooled R² " + res.errorVarianceExplained());
            assertTrue(Math.abs(res.errorNormR2()) < 0.03, "norm R² " + res.errorNormR2());
        }
    }

    @Test
    void independentNoiseTargetsAreNotPredictableAndALinearTargetIs() {
        // the regression itself, on rows that never pass through an SAE: target 0 is noise drawn
        // apart from x, target 1 is 0.5 + x·a; fitted on one sample, measured on another
        Random r = new Random(4);
        double[] a = new double[D];
        for (int j = 0; j < D; j++) {
            a[j] = r.nextGaussian();
        }
        RidgeStatistics fit = new RidgeStatistics(D, 2);
        RidgeStatistics test = new RidgeStatistics(D, 2);
        double[] total = new double[2];
        int n = 4000;
        for (RidgeStatistics s : new RidgeStatistics[] {fit, test}) {
            double[] x = new double[n * D];
            double[] y = new double[n * 2];
            for (int i = 0; i < n; i++) {
                y[i * 2] = r.nextGaussian();
                y[i * 2 + 1] = 0.5;
                for (int j = 0; j < D; j++) {
                    x[i * D + j] = r.nextGaussian();
                    y[i * 2 + 1] += x[i * D + j] * a[j];
                }
            }
            try (NDManager m = manager.newSubManager()) {
                s.add(m.create(x, new Shape(n, D)), m.create(y, new Shape(n, 2)), m.ones(new Shape(n), DataType.FLOAT64));
            }
            for (int k = 0; k < 2 && s == test; k++) {
                double mean = 0;
                for (int i = 0; i < n; i++) {
                    mean += y[i * 2 + k] / n;
                }
                for (int i = 0; i < n; i++) {
                    total[k] += (y[i * 2 + k] - mean) * (y[i * 2 + k] - mean);
                }
            }
        }
        double[] sse = test.squaredError(fit.solve(1e-6, manager), manager);
        double noiseR2 = 1 - sse[0] / total[0];
        double linearR2 = 1 - sse[1] / total[1];
        assertTrue(Math.abs(noiseR2) < 0.03, "noise R² " + noiseR2);
        assertTrue(linearR2 > 0.999, "linear R² " + linearR2);
    }

    @Test
    void aStoreOfAnotherHookIsRefused() {
        Random r = new Random(5);
        ActivationStore store = store("other", () -> 1 + r.nextDouble());
        SaeConfig c = SaeConfig.builder().setShape(D, D).setHook("blocks.1.hook_mlp_out", "synthetic", 1)
                .optArchitecture(SaeArchitecture.RELU).build();
        try (SparseAutoencoder sae = SparseAutoencoder.empty(c, manager)) {
            BottleneckException e = assertThrows(BottleneckException.class,
                    () -> DarkMatter.builder().build().measure(sae, store));
            assertTrue(e.getMessage().contains("blocks.1.hook_mlp_out"), e.getMessage());
        }
    }

    @Test
    void aTranscoderIsRefused() {
        Random r = new Random(6);
        ActivationStore store = store("other", () -> 1 + r.nextDouble());
        SaeConfig c = SaeConfig.builder().setShape(D, D).setHook("blocks.1.hook_mlp_in", "synthetic", 1)
                .optTarget("blocks.1.hook_mlp_out", D, 1).optArchitecture(SaeArchitecture.RELU).build();
        try (SparseAutoencoder sae = SparseAutoencoder.empty(c, manager)) {
            BottleneckException e = assertThrows(BottleneckException.class,
                    () -> DarkMatter.builder().build().measure(sae, store));
            assertTrue(e.getMessage().contains("transcoder"), e.getMessage());
        }
    }
}

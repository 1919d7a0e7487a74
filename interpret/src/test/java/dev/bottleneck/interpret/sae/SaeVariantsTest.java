package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JumpReLU, BatchTopK, gradient TopK's selection and transcoders on synthetic activations (d 32, 96 features, 3 active). */
class SaeVariantsTest extends SyntheticStoresTest {

    static SaeConfig.Builder config(SaeArchitecture a) {
        return SaeConfig.builder().setShape(32, 128).setHook("blocks.0.hook_resid_post", "synthetic", store.info().scale())
                .optArchitecture(a).optK(3).optSeed(5);
    }

    static SaeConfig.Builder transcoder(SaeArchitecture a) {
        return SaeConfig.builder().setShape(32, 128).setHook("blocks.0.hook_mlp_in", "synthetic", paired.info().scale())
                .optTarget("blocks.0.hook_mlp_out", 32, paired.info().targetScale()).optArchitecture(a).optK(3).optSeed(5);
    }

    static TrainingConfig training(int epochs) {
        return TrainingConfig.builder().optEpochs(epochs).optBatchSize(256).optLearningRate(4e-3).optWarmupSteps(20)
                .optSeed(5).build();
    }

    static SparseAutoencoder trained(SaeConfig c, ActivationStore s, int epochs) {
        SparseAutoencoder sae = create(c, s);
        SaeTrainer.builder().setConfig(training(epochs)).build().fit(sae, s);
        return sae;
    }

    static SparseAutoencoder create(SaeConfig c, ActivationStore s) {
        float[] in = s.mean(ActivationStore.Split.TRAIN, 0, true);
        return SparseAutoencoder.create(c, manager, in, c.isTranscoder() ? s.targetMean(ActivationStore.Split.TRAIN, 0, true) : in);
    }

    static SaeMetrics heldOut(SparseAutoencoder sae, ActivationStore s) {
        return SaeEvaluator.evaluate(sae, s, ActivationStore.Split.HELD_OUT, 0, 512);
    }

    // ---- JumpReLU

    @Test
    void jumpReluL0FallsAsTheL0CoefficientRisesAndTheThresholdsMove() {
        double[] l0 = new double[2];
        double[] lambdas = {0.001, 0.1};
        for (int i = 0; i < 2; i++) {
            SaeConfig c = config(SaeArchitecture.JUMPRELU).optL0Coefficient(lambdas[i]).optInitialThreshold(0.5).build();
            try (SparseAutoencoder sae = trained(c, store, 4); NDManager m = manager.newSubManager()) {
                l0[i] = heldOut(sae, store).l0();
                float[] theta = sae.threshold(m).toFloatArray();
                boolean moved = false;
                for (float t : theta) {
                    moved |= Math.abs(t - c.initialThreshold()) > 1e-3;
                }
                assertTrue(moved, "no threshold moved from its initial " + c.initialThreshold() + " with λ " + lambdas[i]);
            }
        }
        assertTrue(l0[1] < l0[0], "held-out L0 with λ 0.1: " + l0[1] + ", with λ 0.001: " + l0[0]);
    }

    @Test
    void jumpReluInferenceIsTheThresholdedReluOfItsPreActivations() {
        try (SparseAutoencoder sae = trained(config(SaeArchitecture.JUMPRELU).build(), store, 1);
                NDManager m = manager.newSubManager()) {
            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, true, 64).next(m);
            NDArray pre = sae.preActivations(x);
            float[] p = pre.toFloatArray();
            float[] theta = sae.threshold(m).toFloatArray();
            float[] z = sae.encode(x).toFloatArray();
            float[] zTrain = sae.trainingForward(x, null).code().toFloatArray();
            for (int i = 0; i < p.length; i++) {
                float expected = p[i] > theta[i % 128] ? p[i] : 0f;
                assertEquals(expected, z[i], 0f);
                assertEquals(expected, zTrain[i], 0f);
            }
        }
    }

    // ---- BatchTopK

    @Test
    void batchTopKKeepsExactlyKTimesBatchInTrainingAndItsThresholdGivesAboutKAtInference() {
        SparseAutoencoder sae = create(config(SaeArchitecture.BATCHTOPK).build(), store);
        java.util.List<EpochRecord> history = SaeTrainer.builder().setConfig(training(4)).build().fit(sae, store).history();
        try (sae; NDManager m = manager.newSubManager()) {
            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 200, false, 0, true, 200).next(m);
            NDArray fired = sae.trainingForward(x, null).code().gt(0f).toType(DataType.FLOAT32, false);
            assertEquals(3 * 200, (int) fired.sum().getFloat());
            float[] perRow = fired.sum(new int[] {1}).toFloatArray();
            float min = Float.MAX_VALUE;
            float max = 0;
            for (float r : perRow) {
                min = Math.min(min, r);
                max = Math.max(max, r);
            }
            assertTrue(max > min, "every row kept the same number of latents (" + min + "): that is TopK, not BatchTopK");
            float theta = sae.threshold(m).getFloat(0);
            assertTrue(theta > 0, "threshold " + theta);
            assertEquals(theta, history.get(history.size() - 1).terms().get("threshold"), 1e-6);
            double l0 = heldOut(sae, store).l0();
            assertTrue(l0 > 1.5 && l0 < 6, "inference L0 with the running threshold: " + l0 + " (k = 3)");
        }
    }

    @Test
    void jumpReluAndBatchTopKRoundTripThroughFilesAndExportAsSaeLensJumpRelu(@TempDir Path tmp) throws Exception {
        for (SaeArchitecture a : new SaeArchitecture[] {SaeArchitecture.JUMPRELU, SaeArchitecture.BATCHTOPK}) {
            try (SparseAutoencoder sae = trained(config(a).build(), store, 1); NDManager m = manager.newSubManager()) {
                Path saved = tmp.resolve(a.id());
                SaeFiles.save(sae, training(1), null, saved, false);
                NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
                try (SparseAutoencoder back = SaeFiles.load(saved, manager)) {
                    assertEquals(sae.config(), back.config());
                    assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), back.reconstructRaw(x).toFloatArray());
                    assertArrayEquals(sae.threshold(m).toFloatArray(), back.threshold(m).toFloatArray());
                }
                Path lens = tmp.resolve(a.id() + "-lens");
                SaeLensExport.write(sae, "synthetic", lens, false);
                JsonNode cfg = Json.mapper().readTree(lens.resolve("cfg.json").toFile());
                assertEquals("jumprelu", cfg.get("architecture").asText());
                assertEquals(a.id(), cfg.get("metadata").get("trained_architecture").asText());
                assertTrue(cfg.get("apply_b_dec_to_input").asBoolean());
                Map<String, NDArray> t = tensors(lens, m);
                assertEquals(new Shape(128), t.get("threshold").getShape());
                // SAELens' JumpReLU forward on raw activations, from the files alone
                NDArray pre = x.sub(t.get("b_dec")).matMul(t.get("W_enc")).add(t.get("b_enc"));
                NDArray z = ai.djl.nn.Activation.relu(pre).mul(pre.gt(t.get("threshold")).toType(DataType.FLOAT32, false));
                NDArray xhat = z.matMul(t.get("W_dec")).add(t.get("b_dec"));
                assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), xhat.toFloatArray(), 1e-4f);
            }
        }
    }

    @Test
    void anSaeDirectoryWrittenBeforeTheVariantsStillLoads(@TempDir Path parent) throws Exception {
        Path tmp = parent.resolve("old");
        try (SparseAutoencoder sae = trained(config(SaeArchitecture.TOPK).build(), store, 1);
                NDManager m = manager.newSubManager()) {
            SaeFiles.save(sae, training(1), null, tmp, false);
            // strip the fields added with the variants, as an older config.json lacks them
            com.fasterxml.jackson.databind.node.ObjectNode root =
                    (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(tmp.resolve("config.json").toFile());
            com.fasterxml.jackson.databind.node.ObjectNode c = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("sae");
            for (String f : new String[] {"d_out", "target_hook", "target_scale", "l0_coefficient", "bandwidth",
                "initial_threshold", "gradient_weight"}) {
                c.remove(f);
            }
            Json.mapper().writeValue(tmp.resolve("config.json").toFile(), root);
            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
            try (SparseAutoencoder back = SaeFiles.load(tmp, manager)) {
                assertEquals(32, back.config().dOut());
                assertEquals(sae.config().scale(), back.config().targetScale());
                assertFalse(back.config().isTranscoder());
                assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), back.reconstructRaw(x).toFloatArray());
            }
        }
    }

    // ---- gradient TopK

    /** d 4, 4 latents, identity encoder and decoder: pre-activations are the input itself. */
    private static SparseAutoencoder identitySae(double beta) {
        SaeConfig c = SaeConfig.builder().setShape(4, 4).setHook("blocks.0.hook_resid_post", "synthetic", 1)
                .optArchitecture(SaeArchitecture.GTOPK).optK(1).optGradientWeight(beta).build();
        SparseAutoencoder sae = SparseAutoencoder.create(c, manager, null);
        NoGrad.run(() -> {
            try (NDManager m = manager.newSubManager()) {
                NDArray eye = m.eye(4);
                sae.array("W_enc").set(eye.toFloatArray());
                sae.array("W_dec").set(eye.toFloatArray());
            }
        });
        return sae;
    }

    @Test
    void gradientTopKPicksTheLatentWhoseDecoderRowCarriesTheGradient() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[] {1.0f, 0.9f, 0.8f, 0.1f}, new Shape(1, 4));
            NDArray g = m.create(new float[] {0f, 0f, 3f, 0f}, new Shape(1, 4));
            try (SparseAutoencoder sae = identitySae(1)) {
                // scores 1, 0.9, 0.8·(1 + 1·1) = 1.6, 0.1: latent 2 wins over the largest activation
                assertArrayEquals(new float[] {0, 0, 0.8f, 0}, sae.trainingForward(x, g).code().toFloatArray());
                // without a gradient (and at inference) it is TopK
                assertArrayEquals(new float[] {1f, 0, 0, 0}, sae.trainingForward(x, null).code().toFloatArray());
                assertArrayEquals(new float[] {1f, 0, 0, 0}, sae.encode(x).toFloatArray());
            }
            try (SparseAutoencoder sae = identitySae(0.2)) {
                // 0.8·1.2 = 0.96 < 1: a small β does not overturn the activation
                assertArrayEquals(new float[] {1f, 0, 0, 0}, sae.trainingForward(x, g).code().toFloatArray());
            }
        }
    }

    @Test
    void gradientTopKIsRefusedForTranscoders() {
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> transcoder(SaeArchitecture.GTOPK).build());
        assertTrue(e.getMessage().contains("gradient TopK"), e.getMessage());
    }

    // ---- transcoders

    @Test
    void pairedStoreKeepsEachTargetRowWithItsInputRowThroughShardShufflingAndEpochShuffling(@TempDir Path tmp) {
        int d = 4;
        int n = 300;
        float[] x = new float[n * d];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = i + j / 10f;
            }
            y[i * 2] = 2 * i;
            y[i * 2 + 1] = -i;
        }
        ActivationStore s = ActivationStore.create(tmp, "blocks.1.hook_mlp_in", d, x, new float[0],
                "blocks.1.hook_mlp_out", 2, y, new float[0], 3);
        assertTrue(s.info().paired());
        assertEquals(2, s.info().dTarget());
        ActivationStore.Batches b = s.batches(ActivationStore.Split.TRAIN, 64, true, 9, false, 0);
        int seen = 0;
        boolean shuffled = false;
        while (b.hasNext()) {
            float[][] p = b.nextPair();
            for (int r = 0; r < p[1].length / 2; r++) {
                float i = p[0][r * d];
                assertEquals(2 * i, p[1][r * 2], 0f);
                assertEquals(-i, p[1][r * 2 + 1], 0f);
                shuffled |= i != seen;
                seen++;
            }
        }
        assertEquals(n, seen);
        assertTrue(shuffled);
    }

    @Test
    void transcoderStartedFromTheLinearMapBeatsTheBestDenseLinearMapWithThreeLatentsPerToken() {
        try (SparseAutoencoder tc = create(transcoder(SaeArchitecture.TOPK).build(), paired);
                LinearMap linear = LinearMap.fit(paired, 0, manager)) {
            // the dense baseline: every input coordinate may feed every target coordinate
            double dense = linear.fvu(paired, ActivationStore.Split.HELD_OUT, 0);
            assertTrue(dense < 1, "the best linear map explains nothing (" + dense + "): the data are not a map");
            linear.initialise(tc);
            SaeTrainer.builder().setConfig(training(10)).build().fit(tc, paired);
            SaeMetrics after = heldOut(tc, paired);
            assertTrue(after.fvu() < dense, "held-out target FVU " + after.fvu() + ", best linear map " + dense);
            assertTrue(after.l0() <= 3.0 + 1e-9);
        }
    }

    @Test
    void transcoderRoundTripsAndExportsWithItsOutputHook(@TempDir Path tmp) throws Exception {
        try (SparseAutoencoder tc = trained(transcoder(SaeArchitecture.RELU).optL1Coefficient(0.5).build(), paired, 1);
                NDManager m = manager.newSubManager()) {
            SaeFiles.save(tc, training(1), null, tmp.resolve("tc"), false);
            NDArray x = paired.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
            try (SparseAutoencoder back = SaeFiles.load(tmp.resolve("tc"), manager)) {
                assertEquals(tc.config(), back.config());
                assertTrue(back.config().isTranscoder());
                assertArrayEquals(tc.reconstructRaw(x).toFloatArray(), back.reconstructRaw(x).toFloatArray());
            }
            SaeLensExport.write(tc, "synthetic", tmp.resolve("lens"), false);
            JsonNode cfg = Json.mapper().readTree(tmp.resolve("lens/cfg.json").toFile());
            assertEquals("transcoder", cfg.get("architecture").asText());
            assertEquals("blocks.0.hook_mlp_in", cfg.get("hook_name").asText());
            assertEquals("blocks.0.hook_mlp_out", cfg.get("hook_name_out").asText());
            assertEquals(32, cfg.get("d_out").asInt());
            assertFalse(cfg.get("apply_b_dec_to_input").asBoolean());
            Map<String, NDArray> t = tensors(tmp.resolve("lens"), m);
            // SAELens' Transcoder forward on raw activations: no b_dec on the input side
            NDArray z = ai.djl.nn.Activation.relu(x.matMul(t.get("W_enc")).add(t.get("b_enc")));
            NDArray yhat = z.matMul(t.get("W_dec")).add(t.get("b_dec"));
            assertArrayEquals(tc.reconstructRaw(x).toFloatArray(), yhat.toFloatArray(), 1e-4f);
            // and the raw prediction is the scaled one over the target's scale, not the input's
            NDArray scaled = tc.forward(x.mul((float) tc.config().scale())).reconstruction();
            assertArrayEquals(scaled.div((float) tc.config().targetScale()).toFloatArray(),
                    tc.reconstructRaw(x).toFloatArray(), 1e-5f);
            assertNotEquals(tc.config().scale(), tc.config().targetScale());
        }
    }

    @Test
    void aTranscoderIsRefusedAStoreWithoutItsTargetAndAnSaeAStoreOfAnotherHook() {
        try (SparseAutoencoder tc = create(transcoder(SaeArchitecture.TOPK).build(), paired)) {
            BottleneckException e = assertThrows(BottleneckException.class,
                    () -> SaeEvaluator.evaluate(tc, store, ActivationStore.Split.HELD_OUT, 0, 512));
            assertTrue(e.getMessage().contains("blocks.0.hook_mlp_in"), e.getMessage());
        }
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK).build(), store)) {
            BottleneckException e = assertThrows(BottleneckException.class,
                    () -> SaeTrainer.builder().setConfig(training(1)).build().fit(sae, paired));
            assertTrue(e.getMessage().contains("hook_mlp_in"), e.getMessage());
        }
        BottleneckException e = assertThrows(BottleneckException.class, () -> SaeConfig.builder().setShape(32, 64)
                .setHook("blocks.2.hook_mlp_out", "m", 1).optTarget("blocks.2.hook_mlp_in", 32, 1).build());
        assertTrue(e.getMessage().contains("after"), e.getMessage());
    }

    private static Map<String, NDArray> tensors(Path lens, NDManager m) throws Exception {
        NDList w = NDList.decode(m, Files.readAllBytes(lens.resolve("sae_weights.safetensors")));
        Map<String, NDArray> t = new HashMap<>();
        w.forEach(a -> t.put(a.getName(), a));
        return t;
    }
}

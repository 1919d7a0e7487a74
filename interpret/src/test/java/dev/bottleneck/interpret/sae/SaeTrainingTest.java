package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.TrainingConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TopK and ReLU SAEs on activations with a known sparse structure (d 32, 96 features, 3 active). */
class SaeTrainingTest {
    @TempDir static Path dir;
    static ActivationStore store;
    static NDManager manager;

    @BeforeAll
    static void data() {
        store = Synthetic.store(dir.resolve("store"), 32, 96, 3, 8000, 2000, 11);
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static SaeConfig.Builder config() {
        return SaeConfig.builder().setShape(32, 128).setHook("blocks.0.hook_resid_post", "synthetic", store.info().scale())
                .optK(3).optSeed(5);
    }

    static TrainingConfig training(int epochs) {
        return TrainingConfig.builder().optEpochs(epochs).optBatchSize(256).optLearningRate(4e-3).optWarmupSteps(20)
                .optSeed(5).build();
    }

    static SparseAutoencoder trained(SaeConfig c, int epochs) {
        SparseAutoencoder sae = SparseAutoencoder.create(c, manager, store.mean(ActivationStore.Split.TRAIN, 0, true));
        SaeTrainer.builder().setConfig(training(epochs)).build().fit(sae, store);
        return sae;
    }

    @Test
    void topKLearnsTheSparseStructureWithExactlyKActiveAndUnitDecoderRows() {
        SaeConfig c = config().build();
        SparseAutoencoder untrained = SparseAutoencoder.create(c, manager, store.mean(ActivationStore.Split.TRAIN, 0, true));
        SaeMetrics before = SaeEvaluator.evaluate(untrained, store, ActivationStore.Split.HELD_OUT, 0, 512);
        try (untrained; SparseAutoencoder sae = trained(c, 10)) {
            SaeMetrics after = SaeEvaluator.evaluate(sae, store, ActivationStore.Split.HELD_OUT, 0, 512);
            assertTrue(after.fvu() < before.fvu() / 2, "held-out FVU " + before.fvu() + " → " + after.fvu());
            assertTrue(after.l0() <= 3.0 + 1e-9, "L0 " + after.l0());
            float[] norms = sae.array("W_dec").norm(new int[] {1}).toFloatArray();
            for (float n : norms) {
                assertEquals(1f, n, 1e-4f);
            }
        }
    }

    @Test
    void sameSeedSameWeights() {
        SaeConfig c = config().build();
        try (SparseAutoencoder a = trained(c, 1); SparseAutoencoder b = trained(c, 1)) {
            assertArrayEquals(a.array("W_enc").toFloatArray(), b.array("W_enc").toFloatArray());
        }
    }

    @Test
    void auxKGivesDeadLatentsAGradientAndWithoutItTheyStayFrozen() {
        // 512 latents, k 3, two batches of 256: most latents never fire; with dead_tokens 1 every
        // latent silent in the first batch is dead in the second, where only AuxK can move it
        SaeConfig.Builder wide = config().setShape(32, 512).optDeadTokens(1);
        int frozenWith = frozenColumnsAfterTwoSteps(wide.build());
        int frozenWithout = frozenColumnsAfterTwoSteps(wide.optAuxKCoefficient(0).build());
        assertTrue(frozenWithout > 0, "some latents must be silent for this test to mean anything");
        assertTrue(frozenWith < frozenWithout, "unchanged encoder columns with AuxK " + frozenWith + ", without "
                + frozenWithout);
    }

    private static int frozenColumnsAfterTwoSteps(SaeConfig c) {
        try (SparseAutoencoder sae = SparseAutoencoder.create(c, manager, store.mean(ActivationStore.Split.TRAIN, 0, true))) {
            float[] before = sae.array("W_enc").toFloatArray();
            TrainingConfig t = TrainingConfig.builder().optEpochs(1).optBatchSize(256).optLearningRate(1e-3).optSeed(5).build();
            SaeTrainer.builder().setConfig(t).optMaxRows(512).build().fit(sae, store);
            float[] after = sae.array("W_enc").toFloatArray();
            int frozen = 0;
            for (int j = 0; j < c.dSae(); j++) {
                boolean same = true;
                for (int i = 0; i < c.dIn() && same; i++) {
                    same = before[i * c.dSae() + j] == after[i * c.dSae() + j];
                }
                frozen += same ? 1 : 0;
            }
            return frozen;
        }
    }

    @Test
    void reluWithL1IsSparserWithALargerPenalty() {
        double l0Small;
        double l0Large;
        try (SparseAutoencoder a = trained(config().optArchitecture(SaeArchitecture.RELU).optL1Coefficient(0.5).build(), 2)) {
            l0Small = SaeEvaluator.evaluate(a, store, ActivationStore.Split.HELD_OUT, 0, 512).l0();
        }
        try (SparseAutoencoder b = trained(config().optArchitecture(SaeArchitecture.RELU).optL1Coefficient(8).build(), 2)) {
            l0Large = SaeEvaluator.evaluate(b, store, ActivationStore.Split.HELD_OUT, 0, 512).l0();
        }
        assertTrue(l0Large < l0Small, "L0 with l1 8: " + l0Large + ", with 0.5: " + l0Small);
    }

    @Test
    void savedAndLoadedSaeReconstructsTheSameAndADamagedFileIsRefused(@TempDir Path tmp) throws Exception {
        try (SparseAutoencoder sae = trained(config().build(), 1); NDManager m = manager.newSubManager()) {
            SaeFiles.save(sae, training(1), null, tmp.resolve("sae"), false);
            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
            try (SparseAutoencoder back = SaeFiles.load(tmp.resolve("sae"), manager)) {
                assertEquals(sae.config(), back.config());
                assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), back.reconstructRaw(x).toFloatArray());
            }
            byte[] w = Files.readAllBytes(tmp.resolve("sae/model.safetensors"));
            w[w.length - 1] ^= 1;
            Files.write(tmp.resolve("sae/model.safetensors"), w);
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeFiles.load(tmp.resolve("sae"), manager));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void saeLensExportReadsRawActivationsWithTheDocumentedLayout(@TempDir Path tmp) throws Exception {
        try (SparseAutoencoder sae = trained(config().build(), 1); NDManager m = manager.newSubManager()) {
            SaeLensExport.write(sae, "synthetic", tmp.resolve("lens"), false);
            JsonNode cfg = Json.mapper().readTree(tmp.resolve("lens/cfg.json").toFile());
            assertEquals(32, cfg.get("d_in").asInt());
            assertEquals(128, cfg.get("d_sae").asInt());
            assertEquals("topk", cfg.get("architecture").asText());
            assertEquals(3, cfg.get("k").asInt());
            assertEquals("none", cfg.get("normalize_activations").asText());
            NDList w = NDList.decode(m, Files.readAllBytes(tmp.resolve("lens/sae_weights.safetensors")));
            Map<String, NDArray> t = new java.util.HashMap<>();
            w.forEach(a -> t.put(a.getName(), a));
            assertEquals(new Shape(32, 128), t.get("W_enc").getShape());
            assertEquals(new Shape(128, 32), t.get("W_dec").getShape());
            // SAELens' TopK forward on raw activations, written out here from the file alone
            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
            NDArray pre = x.sub(t.get("b_dec")).matMul(t.get("W_enc")).add(t.get("b_enc"));
            NDArray z = SparseAutoencoder.keepTop(ai.djl.nn.Activation.relu(pre), 3);
            NDArray xhat = z.matMul(t.get("W_dec")).add(t.get("b_dec"));
            assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), xhat.toFloatArray(), 1e-4f);
        }
    }
}

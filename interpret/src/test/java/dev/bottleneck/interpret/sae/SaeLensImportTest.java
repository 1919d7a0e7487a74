package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.TrainingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SAELens files back into SAEs: our own exports exactly, and a foreign SAE read by SAELens' rules. */
class SaeLensImportTest extends SyntheticStoresTest {
    private static SparseAutoencoder trained(SaeConfig c, ActivationStore s) {
        float[] in = s.mean(ActivationStore.Split.TRAIN, 0, true);
        SparseAutoencoder sae = SparseAutoencoder.create(c, manager, in,
                c.isTranscoder() ? s.targetMean(ActivationStore.Split.TRAIN, 0, true) : in);
        SaeTrainer.builder().setConfig(TrainingConfig.builder().optEpochs(1).optBatchSize(256).optLearningRate(4e-3)
                .optSeed(3).build()).build().fit(sae, s);
        return sae;
    }

    @Test
    void everyArchitectureComesBackFromItsExportAsItWasTrained(@TempDir Path tmp) {
        for (SaeArchitecture a : new SaeArchitecture[] {SaeArchitecture.TOPK, SaeArchitecture.RELU,
            SaeArchitecture.JUMPRELU, SaeArchitecture.BATCHTOPK, null}) {
            boolean transcoder = a == null;
            ActivationStore s = transcoder ? paired : store;
            SaeConfig.Builder b = SaeConfig.builder().setShape(32, 128).setHook(s.info().hook(), "synthetic",
                    s.info().scale()).optArchitecture(transcoder ? SaeArchitecture.TOPK : a).optK(3).optSeed(4);
            if (transcoder) {
                b.optTarget(s.info().targetHook(), 32, s.info().targetScale());
            }
            String name = transcoder ? "transcoder" : a.id();
            try (SparseAutoencoder sae = trained(b.build(), s); NDManager m = manager.newSubManager()) {
                Path lens = tmp.resolve(name);
                SaeLensExport.write(sae, "synthetic", lens, false);
                NDArray x = s.batches(ActivationStore.Split.HELD_OUT, 64, false, 0, false, 64).next(m);
                try (SparseAutoencoder back = SaeLensImport.read(lens, manager)) {
                    SaeConfig c = back.config();
                    assertEquals(sae.config().architecture(), c.architecture(), name);
                    assertEquals(sae.config().isTranscoder(), c.isTranscoder(), name);
                    assertEquals(sae.config().scale(), c.scale(), 1e-12, name);
                    assertEquals(sae.config().targetScale(), c.targetScale(), 1e-12, name);
                    assertArrayEquals(sae.reconstructRaw(x).toFloatArray(), back.reconstructRaw(x).toFloatArray(), 1e-4f,
                            name);
                    SaeMetrics before = SaeEvaluator.evaluate(sae, s, ActivationStore.Split.HELD_OUT, 0, 256);
                    SaeMetrics after = SaeEvaluator.evaluate(back, s, ActivationStore.Split.HELD_OUT, 0, 256);
                    assertEquals(before.fvu(), after.fvu(), 1e-5, name);
                    assertEquals(before.l0(), after.l0(), 1e-3, name);
                }
            }
        }
    }

    /** A standard SAELens SAE that does not subtract b_dec, W_dec in float16: our forward must be SAELens'. */
    @Test
    void aForeignSaeReadsRawActivationsAndIsEvaluatedOnAStoreOfAnotherScale(@TempDir Path tmp) throws Exception {
        Path lens = tmp.resolve("foreign");
        Files.createDirectories(lens);
        try (NDManager m = manager.newSubManager()) {
            Engines.seed(9);
            NDArray wEnc = m.randomNormal(0, 0.3f, new ai.djl.ndarray.types.Shape(32, 40), DataType.FLOAT32);
            NDArray bEnc = m.randomNormal(0, 0.1f, new ai.djl.ndarray.types.Shape(40), DataType.FLOAT32);
            NDArray wDec = m.randomNormal(0, 0.3f, new ai.djl.ndarray.types.Shape(40, 32), DataType.FLOAT32)
                    .toType(DataType.FLOAT16, false);
            NDArray bDec = m.randomNormal(0, 0.5f, new ai.djl.ndarray.types.Shape(32), DataType.FLOAT32);
            NDList list = new NDList(named(wEnc, "W_enc"), named(bEnc, "b_enc"), named(wDec, "W_dec"),
                    named(bDec, "b_dec"));
            Files.write(lens.resolve("sae_weights.safetensors"), list.encode(NDList.Encoding.SAFETENSORS));
            ObjectNode cfg = Json.mapper().createObjectNode();
            cfg.put("architecture", "standard").put("d_in", 32).put("d_sae", 40).put("activation_fn", "relu")
                    .put("apply_b_dec_to_input", false).put("normalize_activations", "none")
                    .put("hook_name", "blocks.0.hook_resid_post").put("model_name", "someone-elses-model");
            Json.mapper().writeValue(lens.resolve("cfg.json").toFile(), cfg);

            NDArray x = store.batches(ActivationStore.Split.HELD_OUT, 2000, false, 0, false, 2000).next(m);
            NDArray w = wDec.toType(DataType.FLOAT32, false);
            // SAELens' StandardSAE forward, on raw activations, b_dec not subtracted
            NDArray expected = ai.djl.nn.Activation.relu(x.matMul(wEnc).add(bEnc)).matMul(w).add(bDec);
            try (SparseAutoencoder sae = SaeLensImport.read(lens, manager)) {
                assertEquals(SaeArchitecture.RELU, sae.config().architecture());
                assertEquals(1.0, sae.config().scale());
                assertArrayEquals(expected.toFloatArray(), sae.reconstructRaw(x).toFloatArray(), 1e-4f);
                // the store scales its rows by its own scale; the evaluator must bring them to the SAE's
                assertNotEquals(1.0, store.info().scale(), 1e-3);
                double variance = x.sub(x.mean(new int[] {0})).square().sum().getFloat();
                double fvu = expected.sub(x).square().sum().getFloat() / variance;
                SaeMetrics metrics = SaeEvaluator.evaluate(sae, store, ActivationStore.Split.HELD_OUT, 0, 128);
                assertEquals(2000, metrics.rows());
                assertEquals(fvu, metrics.fvu(), 1e-4 * fvu);
            }
        }
    }

    @Test
    void filesSaelensCannotDescribeToUsAreRefusedWithTheReason(@TempDir Path tmp) throws Exception {
        Path lens = tmp.resolve("lens");
        try (SparseAutoencoder sae = trained(SaeConfig.builder().setShape(32, 128).setHook(store.info().hook(), "s",
                store.info().scale()).optArchitecture(SaeArchitecture.JUMPRELU).optSeed(1).build(), store)) {
            SaeLensExport.write(sae, "synthetic", lens, false);
        }
        Path cfgFile = lens.resolve("cfg.json");
        ObjectNode original = (ObjectNode) Json.mapper().readTree(cfgFile.toFile());
        String[][] cases = {
            {"normalize_activations", "expected_average_only_in", "only \"none\""},
            {"architecture", "gated", "cannot be imported"},
            {"hook_name", "", "no hook_name"},
            {"d_sae", "127", "shape"},
        };
        for (String[] c : cases) {
            ObjectNode cfg = original.deepCopy();
            cfg.put(c[0], c[1]);
            if (c[0].equals("d_sae")) {
                cfg.put("d_sae", Integer.parseInt(c[1]));
            }
            Json.mapper().writeValue(cfgFile.toFile(), cfg);
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeLensImport.read(lens, manager));
            assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
        }
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> SaeLensImport.read(tmp.resolve("nothing"), manager));
        assertTrue(e.getMessage().contains("not an SAE in SAELens' layout"), e.getMessage());
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }
}

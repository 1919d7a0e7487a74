package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.SharedModel;
import dev.bottleneck.interpret.TokenBatch;
import dev.bottleneck.interpret.store.ActivationCollector;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.TextCorpus;
import dev.bottleneck.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transcoders and gradient TopK against MiniLM itself: paired collection, splicing, the downstream gradient. */
class MiniLmVariantsTest {
    static final Path PAPERS = Path.of("../datasets/corpora/autoencoder-papers.jsonl");
    static List<String> docs;
    static MiniLm model;
    static NDManager manager;

    @BeforeAll
    static void load() {
        docs = TextCorpus.read(PAPERS);
        model = SharedModel.model();
        manager = model.manager();
    }

    @Test
    void pairedCollectionStoresTheMlpOutputOfEachStoredMlpInput(@TempDir Path dir) {
        ActivationCollector.builder().setModel(model, SharedModel.tokenizer()).setHook("blocks.1.hook_mlp_in")
                .optTargetHook("blocks.1.hook_mlp_out").setCorpus(docs, PAPERS.toString()).setTokens(300)
                .optShardRows(128).optBatchSize(8).build().collect(dir);
        ActivationStore s = ActivationStore.open(dir);
        assertEquals("blocks.1.hook_mlp_out", s.info().targetHook());
        assertEquals(300, s.rows(ActivationStore.Split.TRAIN));
        assertTrue(s.info().targetScale() > 0 && s.info().targetScale() != s.info().scale());
        ActivationStore.Batches b = s.batches(ActivationStore.Split.TRAIN, 300, true, 1, false, 0);
        float[][] p = b.nextPair();
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(p[0], new Shape(300, 384));
            // the stored target is the block's FFN applied to the stored input, row by row
            assertArrayEquals(model.mlp(x, 1).toFloatArray(), p[1], 2e-4f);
        }
    }

    @Test
    void splicingATranscoderReplacesItsTargetHookWithItsPredictionFromItsInput() {
        SaeConfig c = SaeConfig.builder().setShape(384, 64).setHook("blocks.1.hook_mlp_in", MiniLm.MODEL_NAME, 0.5)
                .optTarget("blocks.1.hook_mlp_out", 384, 2.0).build();
        List<String> sentences = docs.subList(0, 6);
        float[] constant = new float[384];
        for (int j = 0; j < 384; j++) {
            constant[j] = (float) Math.sin(j);
        }
        try (SparseAutoencoder tc = SparseAutoencoder.create(c, manager, null)) {
            // W_dec = 0, b_dec = 2·constant: the prediction is `constant` whatever the input
            NoGrad.run(() -> {
                tc.array("W_dec").set(new float[64 * 384]);
                float[] b = constant.clone();
                for (int j = 0; j < b.length; j++) {
                    b[j] *= 2;
                }
                tc.array("b_dec").set(b);
            });
            SplicedFidelity.Result r = SplicedFidelity.measure(model, SharedModel.tokenizer(), tc, sentences, constant,
                    true, 4);
            assertTrue(r.cosineMeanAblation() < 0.999, "replacing the MLP output changed nothing: " + r);
            assertEquals(r.cosineMeanAblation(), r.cosineSpliced(), 1e-5);
        }
    }

    /** An untrained gradient-TopK SAE on block 3's residual stream (scale 1: raw space). */
    private static SparseAutoencoder gsae(double beta) {
        SaeConfig c = SaeConfig.builder().setShape(384, 768).setHook("blocks.3.hook_resid_post", MiniLm.MODEL_NAME, 1)
                .optArchitecture(SaeArchitecture.GTOPK).optK(8).optGradientWeight(beta).optSeed(3).build();
        return SparseAutoencoder.create(c, manager, null);
    }

    @Test
    void theDownstreamGradientPointsWhereTheSplicedEmbeddingGetsWorse() {
        String sentence = docs.get(2);
        try (SparseAutoencoder sae = gsae(1); NDManager m = manager.newSubManager()) {
            SentenceTrainingData data = new SentenceTrainingData(model, SharedModel.tokenizer(), List.of(sentence),
                    sae.config().hook(), false, 1, 0);
            SaeBatch batch = data.batch(List.of(sentence), m, sae);
            TokenBatch tokens = SharedModel.tokenizer().encode(List.of(sentence));
            NDList in = tokens.toArrays(m);
            NDArray[] act = new NDArray[1];
            NDArray original = MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1),
                    Hooks.builder().read("blocks.3.hook_resid_post", a -> act[0] = a).build()), in.get(1));
            int t = tokens.length();
            assertEquals(t, batch.input().getShape().get(0));
            assertArrayEquals(act[0].toFloatArray(), batch.input().toFloatArray(), 1e-5f);
            NDArray recon = sae.reconstructRaw(act[0]);
            NDArray g = batch.gradient().reshape(1, t, 384);
            assertTrue(g.abs().max().getFloat() > 0, "no gradient reached the spliced activation");
            // a step along −g (the objective is −cos) moves the spliced embedding towards the original
            NDArray step = g.div(g.norm()).mul(0.01f * recon.norm().getFloat());
            double at = cosine(original, recon, in);
            double down = cosine(original, recon.sub(step), in);
            double up = cosine(original, recon.add(step), in);
            assertTrue(down > at && at > up, "cosines: against the gradient " + down + ", at " + at + ", along " + up);
        }
    }

    @Test
    void splicingWithGradientSelectionIsTopKAtBetaZeroAndDiffersAboveIt() {
        List<String> sentences = docs.subList(5, 9);
        float[] mean = new float[384];
        double[] plain = new double[2];
        double[] selected = new double[2];
        double[] betas = {0, 4};
        for (int i = 0; i < 2; i++) {
            try (SparseAutoencoder sae = gsae(betas[i])) {
                plain[i] = SplicedFidelity.measure(model, SharedModel.tokenizer(), sae, sentences, mean, true, 4, false)
                        .cosineSpliced();
                selected[i] = SplicedFidelity.measure(model, SharedModel.tokenizer(), sae, sentences, mean, true, 4, true)
                        .cosineSpliced();
            }
        }
        assertEquals(plain[0], selected[0], 1e-6);
        assertEquals(plain[0], plain[1], 1e-6); // β plays no part without the gradient
        assertTrue(Math.abs(selected[1] - plain[1]) > 1e-4, "β 4 spliced the same as TopK: " + selected[1]);
    }

    private static double cosine(NDArray original, NDArray splice, NDList in) {
        NDArray e = MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1),
                Hooks.builder().replace("blocks.3.hook_resid_post", a -> splice).build()), in.get(1));
        return e.mul(original).sum().getFloat();
    }

    @Test
    void gradientTopKTrainsOnSentencesAndTheGradientChangesWhichLatentsAreKept() {
        List<String> sentences = SentenceTrainingData.trainingSentences(docs.subList(0, 40), 20);
        assertEquals(38, sentences.size());
        try (SparseAutoencoder sae = gsae(1); NDManager m = manager.newSubManager()) {
            SentenceTrainingData data = new SentenceTrainingData(model, SharedModel.tokenizer(), sentences,
                    sae.config().hook(), true, 128, 600);
            SaeBatch batch = data.batch(sentences.subList(0, 4), m, sae);
            NDArray withGradient = sae.trainingForward(batch.input(), batch.gradient()).code().gt(0f);
            NDArray plain = sae.trainingForward(batch.input(), null).code().gt(0f);
            assertFalse(withGradient.contentEquals(plain), "the gradient changed no selection");
            TrainingConfig t = TrainingConfig.builder().optEpochs(1).optBatchSize(128).optLearningRate(1e-3).build();
            SaeTrainingResult r = SaeTrainer.builder().setConfig(t).build().fit(sae, data);
            assertTrue(r.tokens() >= 600 && r.tokens() < 600 + 200, "tokens " + r.tokens());
            double l0 = r.history().get(0).terms().get("l0");
            assertTrue(l0 > 0 && l0 <= 8, "l0 " + l0);
            assertTrue(Double.isFinite(r.history().get(0).trainLoss()));
        }
    }
}

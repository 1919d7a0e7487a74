package dev.bottleneck.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.bottleneck.engine.Engines;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our MiniLM forward pass against ONNX Runtime on the same file, and against langchain4j's embeddings. */
class MiniLmParityTest {
    /** Different lengths, so most rows are padded and the attention mask matters. */
    static final List<String> SENTENCES = List.of(
            "A sparse autoencoder reads another network's activations.",
            "Hello!",
            "The quick brown fox jumps over the lazy dog near the riverbank at dawn, unseen by anyone.",
            "WordNet glosses: a small domesticated carnivorous mammal with soft fur.",
            "résumé, naïve café — ünïcödé & punctuation?!");

    static NDManager manager;
    static MiniLm model;
    static MiniLmTokenizer tokenizer;

    @BeforeAll
    static void load() {
        model = SharedModel.model();
        tokenizer = SharedModel.tokenizer();
        manager = model.manager();
    }


    @Test
    void readsTheShapeFromTheGraph() {
        MiniLmConfig c = model.config();
        assertEquals(6, c.layers());
        assertEquals(384, c.hidden());
        assertEquals(12, c.heads());
        assertEquals(1536, c.ffn());
        assertEquals(1e-12f, c.layerNormEps(), 1e-15f);
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        TokenBatch batch = tokenizer.encode(SENTENCES);
        assertTrue(batch.realTokens() < (long) batch.size() * batch.length(), "the batch must contain padding");
        float[][][] expected = onnxRuntime(batch);
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            float[] ours = model.forward(in.get(0), in.get(1)).toFloatArray();
            int h = model.config().hidden();
            double worst = 0;
            for (int b = 0; b < batch.size(); b++) {
                for (int t = 0; t < batch.length(); t++) {
                    for (int j = 0; j < h; j++) {
                        float o = ours[(b * batch.length() + t) * h + j];
                        worst = Math.max(worst, Math.abs(o - expected[b][t][j]));
                    }
                }
            }
            assertTrue(worst < 1e-4, "largest difference from ONNX Runtime is " + worst);
        }
    }

    @Test
    void sentenceEmbeddingsMatchLangchain4j() {
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        TokenBatch batch = tokenizer.encode(SENTENCES);
        try (NDManager m = manager.newSubManager()) {
            NDList in = batch.toArrays(m);
            NDArray emb = MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1)), in.get(1));
            for (int i = 0; i < SENTENCES.size(); i++) {
                float[] theirs = reference.embed(SENTENCES.get(i)).content().vector();
                float[] ours = emb.get(i).toFloatArray();
                double dot = 0;
                double worst = 0;
                for (int j = 0; j < ours.length; j++) {
                    dot += ours[j] * theirs[j];
                    worst = Math.max(worst, Math.abs(ours[j] - theirs[j]));
                }
                assertTrue(worst < 1e-4, "sentence " + i + " differs by up to " + worst);
                assertEquals(1.0, dot, 1e-4);
            }
        }
    }

    /** The exported graph run by ONNX Runtime: the reference our forward pass must match. */
    static float[][][] onnxRuntime(TokenBatch batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] bytes;
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(MiniLm.RESOURCE)) {
            bytes = in.readAllBytes();
        }
        long[][] ids = new long[batch.size()][batch.length()];
        long[][] mask = new long[batch.size()][batch.length()];
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.length(); t++) {
                ids[b][t] = batch.ids()[b * batch.length() + t];
                mask[b][t] = batch.mask()[b * batch.length() + t];
            }
        }
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
                OnnxTensor i = OnnxTensor.createTensor(env, ids);
                OnnxTensor a = OnnxTensor.createTensor(env, mask);
                OnnxTensor t = OnnxTensor.createTensor(env, new long[batch.size()][batch.length()]);
                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", a, "token_type_ids", t))) {
            return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        }
    }
}

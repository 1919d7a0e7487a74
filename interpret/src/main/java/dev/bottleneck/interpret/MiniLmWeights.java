package dev.bottleneck.interpret;

import dev.bottleneck.BottleneckException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the weights of an exported BERT graph the way Hugging Face does
 * ({@code encoder.layer.3.attention.self.query.weight}). The PyTorch exporter keeps biases and
 * LayerNorm parameters under those names but stores each Linear weight as an anonymous
 * {@code onnx::MatMul_NNN} initializer, already transposed to (in, out) for {@code x @ W}; the
 * node list tells which layer it belongs to ({@code /encoder/layer.3/attention/self/query/MatMul}).
 * Every {@code .weight} of a Linear here is therefore in (in, out) layout.
 */
public final class MiniLmWeights {
    private static final Pattern MATMUL = Pattern.compile("/encoder/layer\\.(\\d+)/(.+)/MatMul");
    private static final Pattern LAYER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");
    private static final String[] LINEARS = {
        "attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense", "intermediate.dense", "output.dense"
    };

    private final Map<String, OnnxGraph.Tensor> byName;
    private final MiniLmConfig config;

    private MiniLmWeights(Map<String, OnnxGraph.Tensor> byName, MiniLmConfig config) {
        this.byName = byName;
        this.config = config;
    }

    /** Maps an ONNX graph's initializers to BERT names and reads the shape from them. */
    public static MiniLmWeights from(OnnxGraph graph, String source) {
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().contains("Quantize") || n.opType().endsWith("Integer")) {
                throw new BottleneckException(source + " is a quantized model (node " + n.name() + " is "
                        + n.opType() + "); expected the float32 all-MiniLM-L6-v2 export");
            }
        }
        Map<String, OnnxGraph.Tensor> named = new LinkedHashMap<>();
        graph.initializers().forEach((name, t) -> {
            if (!name.startsWith("onnx::")) {
                named.put(name, t);
            }
        });
        Float headScale = null;
        Float eps = null;
        for (OnnxGraph.Node n : graph.nodes()) {
            Matcher m = MATMUL.matcher(n.name());
            if (n.opType().equals("MatMul") && m.matches() && n.inputs().size() == 2
                    && graph.initializers().containsKey(n.inputs().get(1))) {
                String key = "encoder.layer." + m.group(1) + "." + m.group(2).replace('/', '.') + ".weight";
                named.put(key, graph.initializers().get(n.inputs().get(1)));
            }
            // The attention scores are divided by sqrt(head_dim); the LayerNorm adds its epsilon.
            if (n.opType().equals("Div") && n.name().equals("/encoder/layer.0/attention/self/Div")) {
                headScale = graph.constants().get(n.inputs().get(1));
            }
            if (n.opType().equals("Add") && n.name().equals("/embeddings/LayerNorm/Add")) {
                eps = graph.constants().get(n.inputs().get(1));
            }
        }
        int layers = 0;
        for (String name : named.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        MiniLmWeights w = new MiniLmWeights(named, null);
        long[] word = w.dims("embeddings.word_embeddings.weight", source);
        long[] pos = w.dims("embeddings.position_embeddings.weight", source);
        long[] ffn = w.dims("encoder.layer.0.intermediate.dense.bias", source);
        if (headScale == null || eps == null || layers == 0) {
            throw new BottleneckException(source + " does not look like a BERT export: the attention scale, "
                    + "the LayerNorm epsilon or the encoder layers were not found in its graph");
        }
        int hidden = (int) word[1];
        int headDim = Math.round(headScale * headScale);
        MiniLmConfig config = new MiniLmConfig(layers, hidden, hidden / headDim, (int) ffn[0], eps,
                (int) word[0], (int) pos[0]);
        MiniLmWeights result = new MiniLmWeights(named, config);
        for (int i = 0; i < layers; i++) {
            for (String lin : LINEARS) {
                result.dims("encoder.layer." + i + "." + lin + ".weight", source);
                result.dims("encoder.layer." + i + "." + lin + ".bias", source);
            }
        }
        return result;
    }

    public MiniLmConfig config() {
        return config;
    }

    /** The tensor stored under a BERT name. */
    public OnnxGraph.Tensor get(String name) {
        OnnxGraph.Tensor t = byName.get(name);
        if (t == null) {
            throw new BottleneckException("weight \"" + name + "\" is missing from the model");
        }
        return t;
    }

    private long[] dims(String name, String source) {
        OnnxGraph.Tensor t = byName.get(name);
        if (t == null) {
            throw new BottleneckException(source + " lacks the weight \"" + name + "\"; expected a BERT export");
        }
        return t.dims();
    }
}

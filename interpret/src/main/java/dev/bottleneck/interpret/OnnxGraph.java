package dev.bottleneck.interpret;

import java.util.List;
import java.util.Map;

/**
 * What we need from an ONNX model file: its float initializers (the weights), the nodes (to
 * learn which anonymous initializer feeds which layer) and the scalar float constants (epsilons,
 * scales). Everything else in the file is ignored.
 *
 * @param initializers float tensors by name
 * @param nodes the graph's nodes in file order
 * @param constants scalar float {@code Constant} node outputs by output name
 */
public record OnnxGraph(Map<String, Tensor> initializers, List<Node> nodes, Map<String, Float> constants) {

    /** A float tensor in row-major order. */
    public record Tensor(String name, long[] dims, float[] data) {}

    /** One operator: its type, name, and the names of its inputs and outputs. */
    public record Node(String opType, String name, List<String> inputs, List<String> outputs) {}
}

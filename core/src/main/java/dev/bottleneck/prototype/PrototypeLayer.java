package dev.bottleneck.prototype;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.bottleneck.nn.TorchDefaultInitializer;

/**
 * Holds the prototype layer's two tensors so that the optimizer and the model files see them:
 * {@code prototypes} (m × code width), drawn uniform in [0, 1) as in the reference code (a
 * sigmoid code lives there), and {@code classifier.weight} (classes × m, PyTorch's Linear layout,
 * no bias as in the paper), drawn as PyTorch draws a Linear weight.
 */
final class PrototypeLayer extends AbstractBlock {
    final Parameter prototypes;
    final Parameter classifier;

    PrototypeLayer(int m, int codeWidth, int classes) {
        prototypes = addParameter(Parameter.builder()
                .setName("prototypes")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(m, codeWidth))
                .optInitializer((manager, shape, type) -> manager.randomUniform(0f, 1f, shape, type))
                .build());
        classifier = addParameter(Parameter.builder()
                .setName("classifier")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(classes, m))
                .optInitializer(new TorchDefaultInitializer())
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        // never called: the network reads both tensors directly
        return inputs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}

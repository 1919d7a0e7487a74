package dev.bottleneck.bottleneck;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.Map;

/**
 * MemAE's memory addressing: w = softmax(z Mᵀ), ŵ = hard-shrink(w, λ) renormalised to sum 1,
 * ẑ = ŵ M; in training the entropy −Σ ŵ log ŵ (batch mean, times α) is added to the loss. The
 * memory M (N × latent) is stored as {@code bottleneck.memory}.
 *
 * <p>Why a dot product and not the paper's cosine similarity: the authors' released code
 * (memae-anomaly-detection, {@code MemoryUnit}) addresses with a plain linear map, which lets the
 * softmax sharpen as the codes grow; with cosine similarity the logits stay in [−1, 1] and the
 * weights stay nearly uniform, so shrinkage would cut almost everything or nothing.
 */
final class MemoryBottleneck implements Bottleneck {
    /** Guards the shrinkage and the renormalisation against division by zero, as the reference code. */
    private static final float EPS = 1e-12f;

    private final MemorySpec spec;
    private final MemoryBlock block;

    MemoryBottleneck(MemorySpec spec, int latent) {
        this.spec = spec;
        this.block = new MemoryBlock(spec.slots(), latent);
    }

    @Override
    public BottleneckSpec spec() {
        return spec;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public BottleneckOutput apply(BottleneckInput in) {
        NDArray memory = block.memory.getArray();
        NDArray w = address(in.encoded(), memory, spec.shrinkThreshold());
        NDArray code = w.matMul(memory);
        if (!in.training() || spec.entropyWeight() == 0) {
            return BottleneckOutput.of(code);
        }
        NDArray entropy = w.mul(w.add(EPS).log()).sum(new int[] {1}).mean().neg();
        return new BottleneckOutput(code, Map.of("memory_entropy", entropy.mul((float) spec.entropyWeight())));
    }

    /**
     * Addressing weights of codes z (n × latent) over memory items (N × latent): softmax of the
     * dot products, hard shrinkage at λ (weights ≤ λ become exactly 0, the rest keep their value,
     * written in the differentiable form relu(w − λ)·w / (|w − λ| + ε) of the reference code), then
     * L1 renormalisation so each row sums to 1.
     */
    static NDArray address(NDArray z, NDArray memory, double lambda) {
        NDArray w = z.matMul(memory.transpose()).softmax(1);
        if (lambda > 0) {
            NDArray shifted = w.sub((float) lambda);
            w = ai.djl.nn.Activation.relu(shifted).mul(w).div(shifted.abs().add(EPS));
            w = w.div(w.sum(new int[] {1}, true).maximum(EPS));
        }
        return w;
    }

    /** Holds the memory as a trainable parameter so the trainer, optimizer and model files see it. */
    static final class MemoryBlock extends AbstractBlock {
        final Parameter memory;

        MemoryBlock(int slots, int latent) {
            memory = addParameter(Parameter.builder()
                    .setName("memory")
                    .setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(slots, latent))
                    .build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
            // never called: the bottleneck reads the memory directly in apply()
            return inputs;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}

package dev.bottleneck.prototype;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import dev.bottleneck.model.DenseSpec;

/**
 * A fully connected autoencoder for tabular rows (or images flattened): the autoencoders' {@link
 * DenseSpec} layers, whose linear code is where the prototypes live.
 *
 * @param dense the layer sizes, activation, batch-norm and dropout settings
 */
public record DenseCoderSpec(DenseSpec dense) implements CoderSpec {
    @Override
    public int inputWidth() {
        return dense.inputWidth();
    }

    @Override
    public int codeWidth() {
        return dense.latent();
    }

    @Override
    public Shape exampleShape() {
        return dense.exampleShape();
    }

    @Override
    public int[] imageShape() {
        return null;
    }

    @Override
    public SequentialBlock newEncoder() {
        return dense.newEncoder(dense.latent());
    }

    @Override
    public SequentialBlock newDecoder() {
        return dense.newDecoder(1);
    }

    @Override
    public void validate() {
        if (dense == null) {
            throw new dev.bottleneck.BottleneckException("a dense architecture must give its layer sizes (dense)");
        }
        dense.validate();
    }
}

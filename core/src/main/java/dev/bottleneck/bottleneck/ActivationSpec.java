package dev.bottleneck.bottleneck;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.nn.Activation;

/**
 * A code passed through a fixed non-linearity, no extra loss. It makes a one-hidden-layer
 * autoencoder whose hidden layer is Linear → activation, which is what one stage of greedy
 * layer-wise pre-training of a stacked autoencoder trains: its weights then drop into the
 * matching Linear → activation layers of the deep model unchanged.
 *
 * @param activation applied to the encoder's output
 */
public record ActivationSpec(Activation activation) implements BottleneckSpec {
    @Override
    public void validate() {
        if (activation == null) {
            throw new BottleneckException("the code activation must be given (e.g. relu)");
        }
    }

    @Override
    public Bottleneck create(int latent) {
        ActivationSpec spec = this;
        return new Bottleneck() {
            @Override
            public BottleneckSpec spec() {
                return spec;
            }

            @Override
            public BottleneckOutput apply(BottleneckInput input) {
                return BottleneckOutput.of(activation.apply(input.encoded()));
            }
        };
    }
}

package dev.bottleneck.bottleneck;

/** The plain autoencoder's bottleneck: the code is the encoder output, no extra loss. */
public record IdentitySpec() implements BottleneckSpec {
    @Override
    public void validate() {}

    @Override
    public Bottleneck create(int latent) {
        IdentitySpec spec = this;
        return new Bottleneck() {
            @Override
            public BottleneckSpec spec() {
                return spec;
            }

            @Override
            public BottleneckOutput apply(BottleneckInput input) {
                return BottleneckOutput.of(input.encoded());
            }
        };
    }
}

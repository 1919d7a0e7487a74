package dev.bottleneck.bottleneck;

import ai.djl.nn.Block;

/**
 * What sits between encoder and decoder, and what makes an autoencoder family a family: identity
 * (plain and stacked autoencoders), a Jacobian penalty (contractive), and in other packages a
 * Gaussian sample with its KL term, sparsity, quantisation, memory addressing or prototypes.
 *
 * <p>A new family is one implementation of this interface plus a {@link BottleneckSpec}; the
 * training loop never changes. Implementations must be stateless apart from their parameters so
 * that one model can be shared by many scoring threads.
 */
public interface Bottleneck {

    /** The serialisable description this bottleneck was made from. */
    BottleneckSpec spec();

    /**
     * How many values the encoder must emit for a code of {@code latent} values; a Gaussian
     * bottleneck needs two per latent (mean and log-variance).
     */
    default int encoderOutputWidth(int latent) {
        return latent;
    }

    /** Trainable parameters of the bottleneck itself (a codebook, a memory), or {@code null}. */
    default Block block() {
        return null;
    }

    /**
     * Told by the trainer, before each training step, how many optimizer steps have been taken,
     * for penalties with a schedule (the VAE's KL warm-up). Most bottlenecks ignore it.
     */
    default void setTrainingStep(long step) {}

    /** Maps the encoder's output to the code the decoder reads, plus this bottleneck's losses. */
    BottleneckOutput apply(BottleneckInput input);
}

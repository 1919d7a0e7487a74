package dev.bottleneck.bottleneck;

import dev.bottleneck.BottleneckException;

/**
 * The contractive autoencoder's penalty λ·‖J_f(x)‖²_F on the encoder Jacobian (Rifai et al.;
 * analysed in Alain &amp; Bengio, "What Regularized Auto-Encoders Learn from the Data Generating
 * Distribution").
 *
 * @param weight λ, the penalty weight (≥ 0)
 * @param samples random directions per example for the Jacobian estimate (≥ 1)
 * @param epsilon finite-difference step in input units (&gt; 0)
 */
public record ContractiveSpec(double weight, int samples, double epsilon) implements BottleneckSpec {

    public static ContractiveSpec of(double weight) {
        return new ContractiveSpec(weight, 1, 1e-2);
    }

    @Override
    public void validate() {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new BottleneckException("contractive weight must be a finite number ≥ 0, got " + weight);
        }
        if (samples < 1) {
            throw new BottleneckException("contractive samples must be ≥ 1, got " + samples);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new BottleneckException("contractive epsilon must be > 0, got " + epsilon);
        }
    }

    @Override
    public Bottleneck create(int latent) {
        return new ContractiveBottleneck(this);
    }
}

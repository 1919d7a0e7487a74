package dev.bottleneck.cvae;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.nn.Activation;

import java.util.List;

/**
 * The networks and objective of a {@link ConditionalVae}, stored in {@code config.json} under
 * {@code conditional}. Every network is an MLP with the same hidden widths (as in the paper).
 *
 * @param kind cvae or baseline
 * @param inputWidth width of x
 * @param outputWidth width of y (pixels in [0, 1]; Bernoulli likelihood, sigmoid output)
 * @param hidden hidden widths of the recognition, prior and generator networks (the baseline's)
 * @param latent width of z (unused by the baseline)
 * @param activation non-linearity of the hidden layers
 * @param gaussian β, KL warm-up and log-variance clamp of q(z|x,y) and p(z|x); β weighs
 *     KL(q(z|x,y) ‖ p(z|x))
 * @param alpha weight of the CVAE term in the hybrid objective α·L_CVAE + (1 − α)·L_GSNN, in [0, 1]
 *     (1 = pure CVAE; the GSNN term trains the generator on codes from the prior network, the
 *     way it is used at test time)
 */
public record ConditionalSpec(
        ConditionalKind kind,
        int inputWidth,
        int outputWidth,
        List<Integer> hidden,
        int latent,
        Activation activation,
        GaussianSpec gaussian,
        double alpha) {

    public ConditionalSpec {
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
        activation = activation == null ? Activation.RELU : activation;
        gaussian = gaussian == null ? GaussianSpec.of(1.0) : gaussian;
    }

    /** Checks every setting, naming the first bad one with its allowed range. */
    public void validate() {
        if (kind == null) {
            throw new BottleneckException("the conditional model kind must be set (cvae or baseline)");
        }
        positive("input width", inputWidth);
        positive("output width", outputWidth);
        for (int h : hidden) {
            positive("every hidden layer size", h);
        }
        positive("latent size", latent);
        gaussian.validate();
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new BottleneckException("the hybrid weight alpha must be in [0, 1] (1 = pure CVAE), got " + alpha);
        }
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new BottleneckException(field + " must be ≥ 1, got " + value);
        }
    }
}

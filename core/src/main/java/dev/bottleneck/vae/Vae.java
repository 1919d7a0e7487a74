package dev.bottleneck.vae;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.objective.Objective;

/** What the VAE tools need to know about a model: is it a VAE, what is its likelihood, its image shape. */
public final class Vae {
    private Vae() {}

    /** Whether the model has a Gaussian (variational) bottleneck. */
    public static boolean isVae(Autoencoder model) {
        return model.bottleneck() instanceof GaussianBottleneck;
    }

    /**
     * The model's Gaussian bottleneck.
     *
     * @param what what the caller wants to do, for the message ("sample from", "traverse")
     * @throws BottleneckException when the model is not a VAE
     */
    public static GaussianBottleneck require(Autoencoder model, String what) {
        if (model.bottleneck() instanceof GaussianBottleneck g) {
            return g;
        }
        throw new BottleneckException("cannot " + what + " a " + model.config().family()
                + " autoencoder: it has no prior over its codes, only a variational autoencoder does"
                + " (train one with --model vae, or GaussianSpec in Java)");
    }

    /**
     * The likelihood p(x | z) in nats that evaluation uses for the model's objective: gaussian
     * (unit variance) for mse and gaussian, bernoulli for bce and bernoulli. A model trained on
     * a mean-over-features objective is evaluated with the summed likelihood, the only one that
     * is a density.
     */
    public static Objective likelihood(Objective trained) {
        return switch (trained) {
            case BCE, BERNOULLI -> Objective.BERNOULLI;
            default -> Objective.GAUSSIAN;
        };
    }

    /**
     * log |d x_scaled / d x| = −Σ log scale_j: added to a Gaussian log-density of scaled rows it
     * gives the density of the data in its own units, so log-likelihoods are comparable with
     * other tools. A Bernoulli likelihood is a probability of [0, 1] values, not a density, and
     * gets no correction.
     */
    static double logJacobian(Autoencoder model) {
        if (likelihood(model.config().objective()) != Objective.GAUSSIAN) {
            return 0;
        }
        Scaler s = model.scaler();
        if (s == null) {
            return 0;
        }
        double sum = 0;
        for (double v : s.scale()) {
            sum -= Math.log(v);
        }
        return sum;
    }

    /**
     * {channels, height, width} of the model's inputs: the conv architecture's, or for a dense
     * model a square grey (or RGB) image when the input width allows one.
     *
     * @throws BottleneckException when the inputs are not images
     */
    public static int[] imageShape(Autoencoder model) {
        if (model.config().architecture() instanceof ConvSpec c) {
            return new int[] {c.channels(), c.height(), c.width()};
        }
        int d = model.inputWidth();
        for (int ch : new int[] {1, 3}) {
            if (d % ch == 0) {
                int side = (int) Math.round(Math.sqrt(d / (double) ch));
                if (side * side * ch == d && side >= 2) {
                    return new int[] {ch, side, side};
                }
            }
        }
        throw new BottleneckException("the model's " + d + " input columns are not a square image,"
                + " so they cannot be drawn as a picture (use the Java API for rows of a table)");
    }
}

package dev.bottleneck.bottleneck;

import dev.bottleneck.BottleneckException;

/**
 * The variational autoencoder's bottleneck (Kingma &amp; Welling, "Auto-Encoding Variational
 * Bayes"; β-VAE after Higgins et al.): the encoder emits a mean and a log-variance per latent
 * dimension, training decodes a reparameterised sample z = μ + σ·ε, inference decodes μ, and the
 * loss gains β·KL(q(z|x) ‖ N(0, I)) as the penalty {@code kl}.
 *
 * <p>With a likelihood objective ({@code gaussian} or {@code bernoulli}: negative log-likelihood
 * summed over features, in nats) and β = 1, the training loss is the negative ELBO per row.
 *
 * @param beta weight of the KL term (≥ 0; 1 is the ELBO)
 * @param klWarmupSteps linear KL warm-up: the weight is β·min(1, step / klWarmupSteps) at
 *     optimizer step {@code step} (0 = no warm-up), which keeps the decoder from being ignored
 *     early in training (Bowman et al.; Sønderby et al.)
 * @param logVarMin lower clamp of the log-variance
 * @param logVarMax upper clamp of the log-variance; the clamp keeps exp(log σ²) finite so a run
 *     never goes NaN, and bounds the KL gradient
 */
public record GaussianSpec(double beta, long klWarmupSteps, double logVarMin, double logVarMax)
        implements BottleneckSpec {

    public static final double DEFAULT_LOG_VAR_MIN = -30;
    public static final double DEFAULT_LOG_VAR_MAX = 20;

    /** β-VAE with no warm-up and the default clamp [-30, 20]. */
    public static GaussianSpec of(double beta) {
        return new GaussianSpec(beta, 0, DEFAULT_LOG_VAR_MIN, DEFAULT_LOG_VAR_MAX);
    }

    /** β-VAE with a linear KL warm-up over {@code warmupSteps} optimizer steps. */
    public static GaussianSpec of(double beta, long warmupSteps) {
        return new GaussianSpec(beta, warmupSteps, DEFAULT_LOG_VAR_MIN, DEFAULT_LOG_VAR_MAX);
    }

    @Override
    public void validate() {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new BottleneckException("VAE beta must be a finite number ≥ 0, got " + beta);
        }
        if (klWarmupSteps < 0) {
            throw new BottleneckException("KL warm-up steps must be ≥ 0, got " + klWarmupSteps);
        }
        if (!Double.isFinite(logVarMin) || !Double.isFinite(logVarMax) || !(logVarMin < logVarMax)) {
            throw new BottleneckException("the log-variance clamp must be two finite numbers with min < max, got ["
                    + logVarMin + ", " + logVarMax + "]");
        }
    }

    /** The KL weight at optimizer step {@code step} (0-based): β, ramped linearly during warm-up. */
    public double klWeight(long step) {
        if (klWarmupSteps <= 0) {
            return beta;
        }
        return beta * Math.min(1.0, Math.max(0, step) / (double) klWarmupSteps);
    }

    @Override
    public Bottleneck create(int latent) {
        return new GaussianBottleneck(this, latent);
    }
}

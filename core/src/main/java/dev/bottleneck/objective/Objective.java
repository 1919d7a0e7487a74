package dev.bottleneck.objective;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Reconstruction losses. Each gives one value per row (the mean over features for mse and bce;
 * the negative log-likelihood summed over features, in nats, for gaussian and bernoulli), which is
 * both the training loss (averaged over the batch) and the anomaly score of that row.
 */
public enum Objective {
    /** Mean squared error — for standardised tables and images alike. */
    MSE {
        @Override
        public NDArray perRow(NDArray x, NDArray xHat) {
            return xHat.sub(x).square().mean(new int[] {1});
        }
    },
    /** Binary cross-entropy for data in [0, 1] with a sigmoid output (clamped away from 0 and 1). */
    BCE {
        @Override
        public NDArray perRow(NDArray x, NDArray xHat) {
            NDArray p = xHat.clip(1e-7f, 1f - 1e-7f);
            NDArray ll = x.mul(p.log()).add(x.neg().add(1f).mul(p.neg().add(1f).log()));
            return ll.mean(new int[] {1}).neg();
        }
    },
    /**
     * Unit-variance Gaussian likelihood: −log N(x; x̂, I) summed over features, in nats. The same
     * gradient as MSE up to a factor d/2, but on the scale where a VAE's KL term is the right size
     * and where the loss is a negative log-likelihood (the VAE's ELBO).
     */
    GAUSSIAN {
        @Override
        public NDArray perRow(NDArray x, NDArray xHat) {
            long d = x.getShape().get(1);
            return xHat.sub(x).square().sum(new int[] {1}).mul(0.5f).add((float) (0.5 * d * Math.log(2 * Math.PI)));
        }
    },
    /**
     * Bernoulli likelihood: −log p(x | x̂) summed over features, in nats — BCE summed rather than
     * averaged, so a VAE's loss is its negative ELBO (data in [0, 1], sigmoid output).
     */
    BERNOULLI {
        @Override
        public NDArray perRow(NDArray x, NDArray xHat) {
            return BCE.perRow(x, xHat).mul((float) x.getShape().get(1));
        }
    },
    /**
     * Probabilistic reconstruction error (Tan et al., "Improving Autoencoder-based Outlier
     * Detection with Adjustable Probabilistic Reconstruction Error and Mean-shift Outlier
     * Scoring"): the decoder outputs a mean and a log-variance per feature, and the loss is the
     * Gaussian negative log-likelihood −log N(x; μ, σ²) summed over features, in nats. Unlike MSE
     * it lets the network say how sure it is of each feature, so a feature it cannot predict does
     * not dominate the error. The log-variance is clamped to [{@value #PRE_LOG_VAR_MIN},
     * {@value #PRE_LOG_VAR_MAX}] so a feature the network copies exactly cannot drive the loss to
     * −∞ (σ ≥ 0.03 standard deviations of standardised data).
     */
    PRE {
        @Override
        public int outputsPerValue() {
            return 2;
        }

        @Override
        public NDArray perRow(NDArray x, NDArray out) {
            NDArray[] parts = meanAndLogVariance(out);
            long d = x.getShape().get(1);
            NDArray mahalanobis = parts[0].sub(x).square().mul(parts[1].neg().exp());
            return mahalanobis.add(parts[1]).sum(new int[] {1}).mul(0.5f)
                    .add((float) (0.5 * d * Math.log(2 * Math.PI)));
        }

        @Override
        public NDArray mean(NDArray out) {
            return meanAndLogVariance(out)[0];
        }
    };

    /** Clamp of the log-variance the {@link #PRE} decoder predicts. */
    public static final float PRE_LOG_VAR_MIN = -7f;
    public static final float PRE_LOG_VAR_MAX = 7f;

    /**
     * Splits a {@link #PRE} decoder output (N, 2d) into the mean (N, d) and the clamped
     * log-variance (N, d).
     */
    public static NDArray[] meanAndLogVariance(NDArray out) {
        long d = out.getShape().get(1) / 2;
        ai.djl.ndarray.NDList halves = out.split(new long[] {d}, 1);
        return new NDArray[] {halves.get(0), halves.get(1).clip(PRE_LOG_VAR_MIN, PRE_LOG_VAR_MAX)};
    }

    /** Values the decoder outputs per input value: 1, or 2 (mean and log-variance) for {@link #PRE}. */
    public int outputsPerValue() {
        return 1;
    }

    /** The reconstruction (N, d) in a decoder output (N, outputsPerValue·d). */
    public NDArray mean(NDArray out) {
        return out;
    }

    /** Loss of each row: (N, d) × decoder output (N, outputsPerValue·d) → (N). */
    public abstract NDArray perRow(NDArray x, NDArray xHat);

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Objective parse(String s) {
        return dev.bottleneck.EnumIds.parse(Objective.class, s, "objective");
    }
}

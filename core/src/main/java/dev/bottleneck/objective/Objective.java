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
    };

    /** Loss of each row: (N, d) × (N, d) → (N). */
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

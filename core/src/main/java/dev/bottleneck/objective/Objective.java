package dev.bottleneck.objective;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * Reconstruction losses. Each gives one value per row (the mean over features), which is both
 * the training loss (averaged over the batch) and the anomaly score of that row.
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
    };

    /** Loss of each row: (N, d) × (N, d) → (N). */
    public abstract NDArray perRow(NDArray x, NDArray xHat);

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Objective parse(String s) {
        for (Objective o : values()) {
            if (o.id().equalsIgnoreCase(s)) {
                return o;
            }
        }
        throw new BottleneckException("objective \"" + s + "\" is not known (expected mse or bce)");
    }
}

package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * Noise on the input during training, the denoising autoencoder's one difference from a plain
 * one: the encoder sees a corrupted row, the objective compares with the clean row. No noise is
 * added at inference.
 *
 * @param kind none, gaussian (add N(0, level²)) or masking (zero each value with probability level)
 * @param level the noise standard deviation, or the masking probability in [0, 1)
 */
public record CorruptionSpec(Kind kind, double level) {

    public static final CorruptionSpec NONE = new CorruptionSpec(Kind.NONE, 0);

    public CorruptionSpec {
        kind = kind == null ? Kind.NONE : kind;
    }

    public static CorruptionSpec gaussian(double std) {
        return new CorruptionSpec(Kind.GAUSSIAN, std);
    }

    public static CorruptionSpec masking(double probability) {
        return new CorruptionSpec(Kind.MASKING, probability);
    }

    public void validate() {
        if (kind == Kind.GAUSSIAN && (!(level >= 0) || Double.isInfinite(level))) {
            throw new BottleneckException("gaussian noise level must be a finite number ≥ 0, got " + level);
        }
        if (kind == Kind.MASKING && !(level >= 0 && level < 1)) {
            throw new BottleneckException("masking probability must be in [0, 1), got " + level);
        }
    }

    /** The corrupted copy of {@code x} (or {@code x} itself when there is no noise). */
    public NDArray apply(NDArray x) {
        switch (kind) {
            case GAUSSIAN:
                return level == 0 ? x : x.add(x.getManager().randomNormal(x.getShape()).mul((float) level));
            case MASKING:
                if (level == 0) {
                    return x;
                }
                NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape()).gte((float) level);
                return x.mul(keep.toType(x.getDataType(), false));
            default:
                return x;
        }
    }

    /** Kinds of input noise. */
    public enum Kind {
        NONE,
        GAUSSIAN,
        MASKING;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind parse(String s) {
            return dev.bottleneck.EnumIds.parse(Kind.class, s, "noise kind");
        }
    }
}

package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * How a {@link Scaler} maps each column: unchanged, to zero mean and unit variance, or to [0, 1].
 *
 * <p>Stored in config.json by its lower-case {@link #id()} so Python code can read it without
 * knowing Java enum names.
 */
public enum ScalerKind {
    /** Values pass through unchanged (missing cells are still filled with the training mean). */
    NONE,
    /** {@code (x - mean) / std}, population standard deviation. */
    STANDARD,
    /** {@code (x - min) / (max - min)}, so training values lie in [0, 1]. */
    MINMAX;

    /** The lower-case name used in config.json and on the command line ("none", "standard", "minmax"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a name case-insensitively ("min-max" and "min_max" are accepted for MINMAX).
     *
     * @throws BottleneckException naming the allowed values when {@code text} is none of them
     */
    public static ScalerKind parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (t) {
            case "none":
                return NONE;
            case "standard":
                return STANDARD;
            case "minmax":
                return MINMAX;
            default:
                throw new BottleneckException("scaler \"" + text + "\" is not known (expected one of: none, standard, minmax)");
        }
    }
}

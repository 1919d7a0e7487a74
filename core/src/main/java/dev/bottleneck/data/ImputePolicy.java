package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * What a reader does with a missing cell (blank, {@code NaN}, {@code NA}, {@code ?}) or an
 * infinite one.
 *
 * <p>The default is to refuse: silently filling holes changes what a model learns, so the user
 * has to ask for it. With {@link #MEAN} the reader stores such cells as {@link Float#NaN} and the
 * {@link Scaler} fills them with the column mean of the training data, so validation and scoring
 * data are filled with the same numbers the model was trained with.
 */
public enum ImputePolicy {
    /** Missing or infinite cells are an error naming the file, row and column. */
    REJECT,
    /** Missing or infinite cells become NaN, later filled with the training mean by {@link Scaler}. */
    MEAN;

    /** The lower-case name used on the command line and in config files ("reject", "mean"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line value, case-insensitively; "none" is accepted as a synonym of
     * "reject".
     *
     * @throws BottleneckException naming the allowed values when {@code text} is none of them
     */
    public static ImputePolicy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "reject":
            case "none":
                return REJECT;
            case "mean":
                return MEAN;
            default:
                throw new BottleneckException("impute policy \"" + text + "\" is not known (expected one of: reject, mean)");
        }
    }
}

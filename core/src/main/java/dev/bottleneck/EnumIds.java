package dev.bottleneck;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lower-case, hyphenated names that settings enums use in config.json and on the command line
 * ({@code leaky-relu}, {@code adamw}), and their parsing with one clear sentence on a bad name.
 */
public final class EnumIds {
    private EnumIds() {}

    /** {@code LEAKY_RELU} → {@code leaky-relu}. */
    public static String id(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant whose id or name matches {@code text} (case-insensitive, '-' and '_' alike).
     *
     * @param what what the value is, for the message ("optimizer", "activation")
     * @throws BottleneckException naming the allowed values
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String t = text == null ? "" : text.trim().replace('_', '-');
        for (E e : type.getEnumConstants()) {
            if (id(e).equalsIgnoreCase(t)) {
                return e;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(EnumIds::id).collect(Collectors.joining(", "));
        throw new BottleneckException(what + " \"" + text + "\" is not known (expected one of: " + allowed + ")");
    }
}

package dev.bottleneck.interpret;

import dev.bottleneck.BottleneckException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named place in the encoder where activations can be read or replaced, in TransformerLens
 * style: {@code blocks.3.hook_resid_post}. For a post-LayerNorm BERT block:
 * <pre>
 *   resid_pre ─ attention ─▶ attn_out ;  mlp_in = LN(resid_pre + attn_out)
 *   mlp_in ─ FFN ─▶ mlp_out ;            resid_post = LN(mlp_in + mlp_out)
 * </pre>
 * so {@code mlp_in → mlp_out} is exactly what a transcoder replaces, and block i's resid_post is
 * block i+1's resid_pre.
 */
public record HookPoint(int layer, Kind kind) {
    private static final Pattern NAME = Pattern.compile("blocks\\.(\\d+)\\.hook_([a-z_]+)");

    /** Where in the block, in the order they are computed. */
    public enum Kind {
        RESID_PRE, ATTN_OUT, MLP_IN, MLP_OUT, RESID_POST;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HookPoint {
        if (layer < 0) {
            throw new BottleneckException("hook layer must be >= 0, got " + layer);
        }
    }

    /** Parses {@code blocks.N.hook_KIND}; the message lists what is accepted. */
    public static HookPoint parse(String name) {
        Matcher m = NAME.matcher(name == null ? "" : name.trim());
        if (m.matches()) {
            for (Kind k : Kind.values()) {
                if (k.id().equals(m.group(2))) {
                    return new HookPoint(Integer.parseInt(m.group(1)), k);
                }
            }
        }
        throw new BottleneckException("hook \"" + name + "\" is not understood; expected blocks.N.hook_X with X one of "
                + "resid_pre, attn_out, mlp_in, mlp_out, resid_post");
    }

    /** The hook's width in a model of this shape (every hook is hidden-wide in BERT). */
    public int width(MiniLmConfig config) {
        return config.hidden();
    }

    /** True when this hook is computed before {@code other} in a forward pass. */
    public boolean comesBefore(HookPoint other) {
        return layer < other.layer || (layer == other.layer && kind.ordinal() < other.kind.ordinal());
    }

    /** Checks that the layer exists in a model with {@code layers} blocks. */
    public HookPoint checkFor(MiniLmConfig config) {
        if (layer >= config.layers()) {
            throw new BottleneckException("hook " + this + " names block " + layer + " but the model has blocks 0.."
                    + (config.layers() - 1));
        }
        return this;
    }

    @Override
    public String toString() {
        return "blocks." + layer + ".hook_" + kind.id();
    }
}

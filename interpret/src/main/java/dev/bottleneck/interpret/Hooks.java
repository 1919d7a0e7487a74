package dev.bottleneck.interpret;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What to do at hook points during one forward pass: read an activation, replace it with a
 * function of itself (a reconstruction, an ablation), and optionally stop after a hook when
 * nothing later is needed (collecting block 3 need not run blocks 4 and 5).
 *
 * <p>Activations have shape (batch, tokens, width) and live in the forward pass's manager; a
 * reader that keeps one must copy it or attach it elsewhere. A replacement's result flows on
 * through the rest of the network, so gradients reach whatever it was computed from.
 */
public final class Hooks {
    /** No hooks: the plain forward pass. */
    public static final Hooks NONE = builder().build();

    private final Map<HookPoint, List<Consumer<NDArray>>> readers;
    private final Map<HookPoint, UnaryOperator<NDArray>> replacements;
    private final HookPoint stopAfter;

    private Hooks(Builder b) {
        this.readers = Collections.unmodifiableMap(new LinkedHashMap<>(b.readers));
        this.replacements = Collections.unmodifiableMap(new LinkedHashMap<>(b.replacements));
        this.stopAfter = b.stopAfter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Applies the replacement (if any), then the readers, to the activation at {@code point}. */
    NDArray apply(HookPoint point, NDArray activation) {
        UnaryOperator<NDArray> replace = replacements.get(point);
        NDArray out = replace == null ? activation : replace.apply(activation);
        for (Consumer<NDArray> r : readers.getOrDefault(point, List.of())) {
            r.accept(out);
        }
        return out;
    }

    Optional<HookPoint> stopAfter() {
        return Optional.ofNullable(stopAfter);
    }

    void checkFor(MiniLmConfig config) {
        readers.keySet().forEach(p -> p.checkFor(config));
        replacements.keySet().forEach(p -> p.checkFor(config));
        if (stopAfter != null) {
            stopAfter.checkFor(config);
        }
    }

    /** Collects hook actions by name ({@code blocks.3.hook_resid_post}). */
    public static final class Builder {
        private final Map<HookPoint, List<Consumer<NDArray>>> readers = new LinkedHashMap<>();
        private final Map<HookPoint, UnaryOperator<NDArray>> replacements = new LinkedHashMap<>();
        private HookPoint stopAfter;

        private Builder() {}

        /** Calls {@code reader} with the activation at {@code hook} (after any replacement there). */
        public Builder read(String hook, Consumer<NDArray> reader) {
            readers.computeIfAbsent(HookPoint.parse(hook), k -> new ArrayList<>()).add(reader);
            return this;
        }

        /** Replaces the activation at {@code hook} with {@code f(activation)}; one replacement per hook. */
        public Builder replace(String hook, UnaryOperator<NDArray> f) {
            HookPoint p = HookPoint.parse(hook);
            if (replacements.putIfAbsent(p, f) != null) {
                throw new dev.bottleneck.BottleneckException("hook " + p + " already has a replacement");
            }
            return this;
        }

        /** Ends the forward pass right after {@code hook}; the pass then returns that activation. */
        public Builder optStopAfter(String hook) {
            this.stopAfter = HookPoint.parse(hook);
            return this;
        }

        public Hooks build() {
            return new Hooks(this);
        }
    }
}

package dev.bottleneck.interpret.sae;

import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/** Runs in-place parameter edits (decoder renormalisation, AuxK's gradients) with autograd recording off. */
final class NoGrad {
    private NoGrad() {}

    static void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    static <T> T call(Supplier<T> s) {
        JniUtils.setGradMode(false);
        try {
            return s.get();
        } finally {
            JniUtils.setGradMode(true);
        }
    }
}

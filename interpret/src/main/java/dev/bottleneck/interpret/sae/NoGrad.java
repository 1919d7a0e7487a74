package dev.bottleneck.interpret.sae;

import ai.djl.pytorch.jni.JniUtils;

/** Runs in-place parameter edits (decoder renormalisation) with autograd recording off. */
final class NoGrad {
    private NoGrad() {}

    static void run(Runnable r) {
        JniUtils.setGradMode(false);
        try {
            r.run();
        } finally {
            JniUtils.setGradMode(true);
        }
    }
}

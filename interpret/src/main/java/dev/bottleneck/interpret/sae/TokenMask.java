package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.interpret.TokenBatch;

/** Which positions of a token batch an SAE covers: real tokens, without [CLS]/[SEP] when the store left them out. */
final class TokenMask {
    private TokenMask() {}

    /** (batch, tokens, 1) booleans, true where the SAE's output goes in. */
    static NDArray of(TokenBatch batch, boolean excludeSpecial, NDManager m) {
        boolean[] r = new boolean[batch.size() * batch.length()];
        for (int b = 0; b < batch.size(); b++) {
            int real = batch.tokens().get(b).size();
            for (int t = excludeSpecial ? 1 : 0; t < (excludeSpecial ? real - 1 : real); t++) {
                r[b * batch.length() + t] = true;
            }
        }
        return m.create(r).reshape(batch.size(), batch.length(), 1);
    }

    /** The covered positions as row indices into the flattened (batch·tokens) layout, in order. */
    static long[] rows(TokenBatch batch, boolean excludeSpecial) {
        long[] out = new long[batch.size() * batch.length()];
        int n = 0;
        for (int b = 0; b < batch.size(); b++) {
            int real = batch.tokens().get(b).size();
            for (int t = excludeSpecial ? 1 : 0; t < (excludeSpecial ? real - 1 : real); t++) {
                out[n++] = (long) b * batch.length() + t;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Tokens the SAE covers in one sentence of {@code tokens} tokens ([CLS] and [SEP] included). */
    static int covered(int tokens, boolean excludeSpecial) {
        return Math.max(0, excludeSpecial ? tokens - 2 : tokens);
    }
}

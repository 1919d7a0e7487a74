package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The TopK family's selections over non-negative activations (after ReLU). Masks are comparisons,
 * so gradients flow only through the kept entries; an entry that is 0 is never counted as kept.
 * (Exact ties at the cut keep all of them.)
 */
final class TopKSelection {
    private TopKSelection() {}

    /** Each row's {@code k} largest entries (TopK). */
    static NDArray perRow(NDArray post, int k) {
        NDArray kth = post.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
        return post.mul(post.gte(kth).toType(DataType.FLOAT32, false));
    }

    /** The {@code n} largest positive entries of the whole batch (BatchTopK: n = k·rows). */
    static NDArray perBatch(NDArray post, int n) {
        int keep = (int) Math.min(n, post.size());
        NDArray kth = post.flatten().topK(keep, -1, true, false).get(0).min();
        return post.mul(post.gte(kth).logicalAnd(post.gt(0f)).toType(DataType.FLOAT32, false));
    }

    /**
     * Each row's {@code k} entries with the largest {@code score}, keeping their activations
     * (gradient TopK: the score weighs an activation by its downstream effect).
     */
    static NDArray perRowByScore(NDArray post, NDArray score, int k) {
        NDArray s = score.stopGradient();
        NDArray kth = s.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
        return post.mul(s.gte(kth).logicalAnd(post.gt(0f)).toType(DataType.FLOAT32, false));
    }
}

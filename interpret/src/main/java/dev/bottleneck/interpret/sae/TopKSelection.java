package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The TopK family's selections over non-negative activations (after ReLU). Masks are comparisons,
 * so gradients flow only through the kept entries; an entry that is 0 is never counted as kept.
 * (Exact ties at the cut keep all of them.)
 */
final class TopKSelection {
    /** BatchTopK: candidates per row, as a multiple of the mean number kept per row. */
    static final long CANDIDATE_FACTOR = 4;

    private TopKSelection() {}

    /** Each row's {@code k} largest entries (TopK). */
    static NDArray perRow(NDArray post, int k) {
        NDArray kth = post.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
        return post.mul(post.gte(kth).toType(DataType.FLOAT32, false));
    }

    /**
     * BatchTopK's selection of a training batch.
     *
     * @param code the kept entries, the rest zeroed
     * @param cut the value of the n-th largest entry: the smallest entry kept when it is positive
     */
    record BatchSelection(NDArray code, NDArray cut) {}

    /**
     * The {@code n} largest positive entries of the whole batch (BatchTopK: n = k·rows).
     *
     * <p>A top-n over the flattened batch (n = 32k of 3M entries at batch 1024) made training on
     * MiniLM block 3 run at 9.3k instead of 15.2k tokens/s (BENCHMARKS.md), so the cut is first
     * looked for among each row's {@link #CANDIDATE_FACTOR}·n/rows largest entries. That cut is
     * exact unless some row has all its candidates at or above it (it may then hold more entries
     * that belong in the batch's top n); only then is the whole batch searched. Single tokens of
     * MiniLM take over twice the mean number of latents, hence a factor of 4.
     */
    static BatchSelection perBatch(NDArray post, int n) {
        int keep = (int) Math.min(n, post.size());
        long rows = post.getShape().get(0);
        long candidates = CANDIDATE_FACTOR * ((keep + rows - 1) / rows);
        if (post.getShape().dimension() == 2 && candidates < post.getShape().get(1)) {
            NDArray perRow = post.topK((int) candidates, -1, true, false).get(0);
            NDArray cut = perRow.flatten().topK(keep, -1, true, false).get(0).min();
            NDArray rowLowest = perRow.min(new int[] {-1});
            boolean saturated = rowLowest.gte(cut).logicalAnd(rowLowest.gt(0f)).any().getBoolean();
            if (!saturated) {
                return keepFrom(post, cut);
            }
        }
        return keepFrom(post, post.flatten().topK(keep, -1, true, false).get(0).min());
    }

    /**
     * The smallest activation a batch selection kept, which BatchTopK's inference threshold
     * follows: the cut itself when it is positive (the batch had n positive entries), else the
     * smallest positive entry of {@code code} ({@link Float#MAX_VALUE} when nothing was kept).
     */
    static float smallestKept(NDArray code, NDArray cut) {
        float c = cut.getFloat();
        if (c > 0) {
            return c;
        }
        // 0s are pushed out of the minimum
        return code.add(code.lte(0f).toType(DataType.FLOAT32, false).mul(Float.MAX_VALUE)).min().getFloat();
    }

    private static BatchSelection keepFrom(NDArray post, NDArray cut) {
        return new BatchSelection(
                post.mul(post.gte(cut).logicalAnd(post.gt(0f)).toType(DataType.FLOAT32, false)), cut);
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

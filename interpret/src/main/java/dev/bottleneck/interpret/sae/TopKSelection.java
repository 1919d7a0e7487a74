package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
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
        return post.mul(post.gte(kth));
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
     * MiniLM block 3 run at 9.3k instead of 15.2k tokens/s (BENCHMARKS.md), so the cut is looked
     * for in a smaller set whose n largest entries are provably the batch's:
     * <ol>
     *   <li>the entries at or above {@code floor} (the trainer passes a fraction of the previous
     *       batch's cut), when there are at least n of them: every other entry is below all of
     *       them. Two passes over the batch and a top-k over a few tens of thousands of values;
     *   <li>else each row's {@link #CANDIDATE_FACTOR}·n/rows largest entries, exact unless some
     *       row has all its candidates at or above the cut found (it may then hold more entries
     *       that belong in the batch's top n). Single tokens of MiniLM take over twice the mean
     *       number of latents, hence a factor of 4;
     *   <li>else the whole batch.
     * </ol>
     *
     * @param floor a guess below the cut (≤ 0: none)
     */
    static BatchSelection perBatch(NDArray post, int n, float floor) {
        int keep = (int) Math.min(n, post.size());
        if (floor > 0 && keep > 0) {
            NDArray above = post.gte(floor);
            long count = above.sum().getLong();
            if (count >= keep) {
                // boolean indexing: a third of masked_select's time on libtorch's CPU kernels
                NDArray values = post.stopGradient().get(new NDIndex("{}", above));
                // the keep-th largest is the (count − keep + 1)-th smallest: look from the nearer end
                long fromBelow = count - keep + 1;
                NDArray cut = fromBelow <= keep
                        ? values.topK((int) fromBelow, -1, false, false).get(0).max()
                        : values.topK(keep, -1, true, false).get(0).min();
                return keepFrom(post, cut);
            }
        }
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

    /**
     * Entries at or above the cut; when the cut is 0 the zeros pass the mask too, but they stay 0
     * and ReLU passes them no gradient, so no zero is kept.
     */
    private static BatchSelection keepFrom(NDArray post, NDArray cut) {
        // multiplied by the boolean mask itself (libtorch promotes it): converting it first costs a pass
        return new BatchSelection(post.mul(post.gte(cut)), cut);
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

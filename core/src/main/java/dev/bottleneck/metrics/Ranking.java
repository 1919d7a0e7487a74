package dev.bottleneck.metrics;

import dev.bottleneck.BottleneckException;

import java.util.Arrays;

/**
 * Threshold-free ranking metrics of a score (higher = more likely positive) against 0/1 truth,
 * with the same definitions as scikit-learn so numbers compare with published ones:
 * {@link #rocAuc} is {@code roc_auc_score} (tied scores count one half) and {@link
 * #averagePrecision} is {@code average_precision_score} (Σ (Rₙ − Rₙ₋₁) Pₙ over distinct
 * thresholds, no interpolation).
 */
public final class Ranking {
    private Ranking() {}

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random
     * negative, ties counting one half (the Mann–Whitney U statistic over n⁺·n⁻).
     *
     * @throws BottleneckException when lengths differ, a score is NaN, or one class is absent
     */
    public static double rocAuc(double[] scores, boolean[] positive) {
        int[] order = check(scores, positive);
        int n = scores.length;
        long pos = 0;
        double rankSum = 0;
        // mid-ranks over groups of tied scores, in ascending order
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += midRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Average precision: Σ over distinct score thresholds t, from the highest down, of (recall at
     * t − recall at the previous threshold) × precision at t.
     *
     * @throws BottleneckException when lengths differ, a score is NaN, or one class is absent
     */
    public static double averagePrecision(double[] scores, boolean[] positive) {
        int[] order = check(scores, positive);
        int n = scores.length;
        long totalPos = 0;
        for (boolean p : positive) {
            totalPos += p ? 1 : 0;
        }
        double ap = 0;
        long tp = 0;
        double prevRecall = 0;
        for (int i = n - 1; i >= 0; ) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            for (int k = j; k <= i; k++) {
                tp += positive[order[k]] ? 1 : 0;
            }
            long predicted = n - j;
            double recall = (double) tp / totalPos;
            ap += (recall - prevRecall) * ((double) tp / predicted);
            prevRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /** Validates and returns the indices sorted by ascending score. */
    private static int[] check(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new BottleneckException("there are " + scores.length + " scores but " + positive.length
                    + " labels (expected one label per score)");
        }
        long pos = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new BottleneckException("score " + i + " is NaN (expected a number for every row)");
            }
            pos += positive[i] ? 1 : 0;
        }
        if (pos == 0 || pos == scores.length) {
            throw new BottleneckException("ranking metrics need both classes, but all " + scores.length
                    + " labels are " + (pos == 0 ? "negative" : "positive"));
        }
        Integer[] boxed = new Integer[scores.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(scores[a], scores[b]));
        int[] order = new int[boxed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}

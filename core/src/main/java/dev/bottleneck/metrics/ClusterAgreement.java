package dev.bottleneck.metrics;

import dev.bottleneck.BottleneckException;

/**
 * How well found clusters agree with known classes: clustering accuracy under the best
 * one-to-one matching (Hungarian), normalised mutual information (arithmetic normalisation,
 * scikit-learn's default) and the adjusted Rand index. All three ignore what the clusters are
 * called; they are computed from the contingency table of (class, cluster) counts.
 */
public final class ClusterAgreement {
    private ClusterAgreement() {}

    /**
     * Share of rows whose cluster, mapped to a class by the matching that maximises agreement,
     * is their class. With more clusters than classes, the extra clusters count as wrong.
     */
    public static double accuracy(int[] truth, int[] predicted) {
        Contingency c = Contingency.of(truth, predicted);
        // rows = clusters, columns = classes, padded square so every cluster and class can be matched
        int size = Math.max(c.classes(), c.clusters());
        double[][] w = new double[size][size];
        for (int t = 0; t < c.classes(); t++) {
            for (int p = 0; p < c.clusters(); p++) {
                w[p][t] = c.count(t, p);
            }
        }
        int[] match = Hungarian.maximise(w);
        double hit = 0;
        for (int p = 0; p < size; p++) {
            hit += w[p][match[p]];
        }
        return hit / truth.length;
    }

    /**
     * Normalised mutual information, MI / ((H(truth) + H(predicted)) / 2), natural logarithms.
     * As in scikit-learn, two single-cluster labelings (no information either way) score 1.
     */
    public static double nmi(int[] truth, int[] predicted) {
        Contingency c = Contingency.of(truth, predicted);
        if ((c.classes() == 1 && c.clusters() == 1) || (c.classes() == 0)) {
            return 1.0;
        }
        double n = truth.length;
        double mi = 0;
        for (int t = 0; t < c.classes(); t++) {
            for (int p = 0; p < c.clusters(); p++) {
                double nij = c.count(t, p);
                if (nij > 0) {
                    mi += nij / n * Math.log(n * nij / ((double) c.classTotal(t) * c.clusterTotal(p)));
                }
            }
        }
        double ht = entropy(c.classTotals(), n);
        double hp = entropy(c.clusterTotals(), n);
        double norm = (ht + hp) / 2;
        // MI ≤ min(H) ≤ mean(H); guard the 0/0 of two constant labelings
        return norm <= 0 ? 1.0 : Math.max(0, mi) / Math.max(norm, Math.ulp(1.0));
    }

    /** Adjusted Rand index: pair-counting agreement corrected for chance (0 = random, 1 = identical). */
    public static double ari(int[] truth, int[] predicted) {
        Contingency c = Contingency.of(truth, predicted);
        double n = truth.length;
        if (c.classes() == c.clusters() && (c.classes() <= 1 || c.classes() == truth.length)) {
            return 1.0; // scikit-learn's special cases: identical trivial labelings
        }
        double sumCells = 0;
        for (int t = 0; t < c.classes(); t++) {
            for (int p = 0; p < c.clusters(); p++) {
                sumCells += pairs(c.count(t, p));
            }
        }
        double sumT = 0;
        for (long a : c.classTotals()) {
            sumT += pairs(a);
        }
        double sumP = 0;
        for (long b : c.clusterTotals()) {
            sumP += pairs(b);
        }
        double expected = sumT * sumP / pairs((long) n);
        double max = (sumT + sumP) / 2;
        return max == expected ? 1.0 : (sumCells - expected) / (max - expected);
    }

    private static double pairs(long k) {
        return k * (k - 1) / 2.0;
    }

    private static double entropy(long[] totals, double n) {
        double h = 0;
        for (long t : totals) {
            if (t > 0) {
                double p = t / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** Numbers text labels 0, 1, … in order of first appearance, for the metrics here. */
    public static int[] ids(java.util.List<String> labels) {
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        int[] out = new int[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(labels.get(i), s -> ids.size());
        }
        return out;
    }

    /** Checks that two labelings can be compared; shared by the metrics here. */
    static void check(int[] truth, int[] predicted) {
        if (truth == null || predicted == null) {
            throw new BottleneckException("both the true classes and the clusters must be given");
        }
        if (truth.length != predicted.length) {
            throw new BottleneckException("there are " + truth.length + " true classes but " + predicted.length
                    + " cluster assignments (expected one of each per row)");
        }
        if (truth.length == 0) {
            throw new BottleneckException("there are no rows to compare");
        }
    }
}

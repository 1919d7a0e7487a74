package dev.bottleneck.metrics;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Counts of rows per (class, cluster) pair, with labels of any integer values compacted to
 * 0..classes−1 and 0..clusters−1 in ascending order.
 */
final class Contingency {
    private final long[][] counts;
    private final long[] classTotals;
    private final long[] clusterTotals;

    private Contingency(long[][] counts) {
        this.counts = counts;
        this.classTotals = new long[counts.length];
        this.clusterTotals = new long[counts.length == 0 ? 0 : counts[0].length];
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts[t].length; p++) {
                classTotals[t] += counts[t][p];
                clusterTotals[p] += counts[t][p];
            }
        }
    }

    static Contingency of(int[] truth, int[] predicted) {
        ClusterAgreement.check(truth, predicted);
        int[] t = compact(truth);
        int[] p = compact(predicted);
        int nt = Arrays.stream(t).max().orElse(-1) + 1;
        int np = Arrays.stream(p).max().orElse(-1) + 1;
        long[][] counts = new long[nt][np];
        for (int i = 0; i < t.length; i++) {
            counts[t[i]][p[i]]++;
        }
        return new Contingency(counts);
    }

    /** Maps label values to 0..distinct−1 in ascending order of value. */
    static int[] compact(int[] labels) {
        TreeMap<Integer, Integer> ids = new TreeMap<>();
        for (int l : labels) {
            ids.putIfAbsent(l, 0);
        }
        int next = 0;
        for (var e : ids.entrySet()) {
            e.setValue(next++);
        }
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids.get(labels[i]);
        }
        return out;
    }

    int classes() {
        return counts.length;
    }

    int clusters() {
        return clusterTotals.length;
    }

    long count(int cls, int cluster) {
        return counts[cls][cluster];
    }

    long classTotal(int cls) {
        return classTotals[cls];
    }

    long clusterTotal(int cluster) {
        return clusterTotals[cluster];
    }

    long[] classTotals() {
        return classTotals;
    }

    long[] clusterTotals() {
        return clusterTotals;
    }
}

package dev.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.cluster.SklearnLandsat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Clustering metrics against scikit-learn (fixture from bench/peers) and the Hungarian solver against brute force. */
class ClusterMetricsTest {
    private static final JsonNode F = SklearnLandsat.FIXTURE;
    private static final int[] TRUTH = SklearnLandsat.ints(F.get("classes"));
    private static final int[] PRED = SklearnLandsat.ints(F.get("kmeans_fixed").get("labels"));

    private static double expected(String name) {
        return F.get("metrics").get(name).asDouble();
    }

    @Test
    void agreementScoresMatchScikitLearn() {
        assertEquals(expected("accuracy"), ClusterAgreement.accuracy(TRUTH, PRED), 1e-12);
        assertEquals(expected("nmi"), ClusterAgreement.nmi(TRUTH, PRED), 1e-12);
        assertEquals(expected("ari"), ClusterAgreement.ari(TRUTH, PRED), 1e-12);
    }

    @Test
    void internalScoresMatchScikitLearn() {
        float[][] x = SklearnLandsat.ROWS;
        assertEquals(expected("silhouette"), ClusterQuality.silhouette(x, PRED), 1e-9);
        assertEquals(expected("calinski_harabasz"), ClusterQuality.calinskiHarabasz(x, PRED),
                1e-9 * expected("calinski_harabasz"));
        assertEquals(expected("davies_bouldin"), ClusterQuality.daviesBouldin(x, PRED), 1e-9);
    }

    @Test
    void renamingClustersChangesNothingAndPerfectAgreementScoresOne() {
        int[] renamed = new int[PRED.length];
        for (int i = 0; i < PRED.length; i++) {
            renamed[i] = (PRED[i] * 5 + 3) % 6 + 10;
        }
        assertEquals(ClusterAgreement.accuracy(TRUTH, PRED), ClusterAgreement.accuracy(TRUTH, renamed), 1e-15);
        assertEquals(ClusterAgreement.nmi(TRUTH, PRED), ClusterAgreement.nmi(TRUTH, renamed), 1e-12);
        assertEquals(ClusterAgreement.ari(TRUTH, PRED), ClusterAgreement.ari(TRUTH, renamed), 1e-12);
        assertEquals(1.0, ClusterAgreement.accuracy(TRUTH, TRUTH), 1e-15);
        assertEquals(1.0, ClusterAgreement.nmi(TRUTH, TRUTH), 1e-12);
        assertEquals(1.0, ClusterAgreement.ari(TRUTH, TRUTH), 1e-12);
    }

    @Test
    void hungarianFindsTheCheapestAssignmentThatBruteForceFinds() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(6);
            int m = n + r.nextInt(3);
            double[][] cost = new double[n][m];
            for (double[] row : cost) {
                for (int j = 0; j < m; j++) {
                    row[j] = r.nextInt(20) - 5;
                }
            }
            int[] a = Hungarian.solve(cost);
            double got = 0;
            boolean[] used = new boolean[m];
            for (int i = 0; i < n; i++) {
                assertEquals(false, used[a[i]], "column used twice");
                used[a[i]] = true;
                got += cost[i][a[i]];
            }
            assertEquals(bruteForce(cost, 0, new boolean[m]), got, 1e-9);
        }
    }

    @Test
    void hungarianOnAKnownMatrix() {
        double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
        assertArrayEquals(new int[] {1, 0, 2}, Hungarian.solve(cost));
    }

    @Test
    void mismatchedLengthsAreOneSentence() {
        assertEquals("there are 2 true classes but 3 cluster assignments (expected one of each per row)",
                assertThrows(BottleneckException.class,
                        () -> ClusterAgreement.nmi(new int[] {0, 1}, new int[] {0, 1, 1})).getMessage());
    }

    private static double bruteForce(double[][] cost, int row, boolean[] used) {
        if (row == cost.length) {
            return 0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < cost[row].length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, cost[row][j] + bruteForce(cost, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }
}

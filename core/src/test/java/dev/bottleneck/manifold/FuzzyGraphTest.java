package dev.bottleneck.manifold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.neighbours.NearestRows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** UMAP's fuzzy neighbour graph: per-row calibration, the fuzzy union and the edge list's symmetry. */
class FuzzyGraphTest {
    @Test
    void eachRowsMembershipsSumToLog2KAndTheUnionIsSymmetric() {
        int n = 200;
        int d = 5;
        int k = 8;
        float[] rows = new float[n * d];
        Random random = new Random(1);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        NearestRows.Graph knn;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            knn = NearestRows.graph(m, rows, d, k);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, knn.indices()[i * k], "a row is its own nearest neighbour");
        }
        // directed memberships exp(−(d − ρ) / σ) over the k − 1 others sum to log₂ k
        for (int i = 0; i < n; i += 17) {
            double rho = knn.distances()[i * k + 1];
            double sigma = solveSigma(knn.distances(), i, k, rho);
            double sum = 0;
            for (int s = i * k + 1; s < i * k + k; s++) {
                sum += Math.exp(-Math.max(0, knn.distances()[s] - rho) / sigma);
            }
            assertEquals(Math.log(k) / Math.log(2), sum, 1e-3);
        }
        FuzzyGraph g = FuzzyGraph.of(knn);
        Map<Long, Float> edges = new HashMap<>();
        for (int e = 0; e < g.edges(); e++) {
            assertTrue(g.heads()[e] != g.tails()[e], "no self loops");
            assertTrue(g.weights()[e] > 0 && g.weights()[e] <= 1, "weight " + g.weights()[e]);
            Float before = edges.put((long) g.heads()[e] * n + g.tails()[e], g.weights()[e]);
            assertEquals(null, before, "edge written twice");
        }
        for (Map.Entry<Long, Float> e : edges.entrySet()) {
            long i = e.getKey() / n;
            long j = e.getKey() % n;
            assertEquals(e.getValue(), edges.get(j * n + i), "w(" + i + "," + j + ") vs its reverse");
        }
        // every row's nearest other row is joined with full strength (d − ρ = 0 gives membership 1)
        for (int i = 0; i < n; i++) {
            assertEquals(1f, edges.get((long) i * n + knn.indices()[i * k + 1]), 1e-6f);
        }
    }

    @Test
    void theFuzzyUnionOfTwoDirectedMembershipsIsAPlusBMinusAB() {
        // four points on a line at 0, 1, 3, 7 with k = 3 (self + 2): hand-computed memberships
        float[] rows = {0, 1, 3, 7};
        NearestRows.Graph knn;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            knn = NearestRows.graph(m, rows, 1, 3);
        }
        FuzzyGraph g = FuzzyGraph.of(knn);
        // row 0: neighbours 1 (d 1 = ρ → 1) and 2 (d 3); σ solves 1 + exp(−2/σ) = log₂ 3
        double a02 = Math.exp(-2 / solveSigma(knn.distances(), 0, 3, 1));
        // row 2: neighbours 1 (d 2 = ρ → 1) and 0 (d 3); σ solves 1 + exp(−1/σ) = log₂ 3
        double a20 = Math.exp(-1 / solveSigma(knn.distances(), 2, 3, 2));
        assertEquals(a02 + a20 - a02 * a20, weight(g, 0, 2), 1e-5);
        assertEquals(a02 + a20 - a02 * a20, weight(g, 2, 0), 1e-5);
        // 3 → 2 is 3's nearest (1), 2 → 3 is not among 2's neighbours (0): union 1
        assertEquals(1.0, weight(g, 3, 2), 1e-6);
        assertEquals(1.0, weight(g, 2, 3), 1e-6);
        assertEquals(-1, weight(g, 0, 3), "0 and 3 are nobody's neighbours of each other");
    }

    private static double weight(FuzzyGraph g, int i, int j) {
        for (int e = 0; e < g.edges(); e++) {
            if (g.heads()[e] == i && g.tails()[e] == j) {
                return g.weights()[e];
            }
        }
        return -1;
    }

    /** σ with Σ_{others} exp(−max(0, d − ρ)/σ) = log₂ k, by plain bisection on [1e-6, 1e3]: an independent solve. */
    private static double solveSigma(float[] dist, int i, int k, double rho) {
        double lo = 1e-6;
        double hi = 1e3;
        double target = Math.log(k) / Math.log(2);
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            double sum = 0;
            for (int s = i * k + 1; s < i * k + k; s++) {
                sum += Math.exp(-Math.max(0, dist[s] - rho) / mid);
            }
            if (sum > target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return (lo + hi) / 2;
    }
}

package dev.bottleneck.manifold;

import dev.bottleneck.neighbours.NearestRows;

import java.util.Arrays;

/**
 * UMAP's fuzzy simplicial set: the k-nearest-neighbour graph turned into symmetric edge weights
 * in (0, 1] (McInnes, Healy & Melville 2018, section 3; umap-learn's {@code fuzzy_simplicial_set}).
 *
 * <p>Each row i gets ρ_i, the distance to its nearest other row, and σ_i, found by bisection so
 * that Σ_j exp(−(d_ij − ρ_i) / σ_i) = log₂ k over its neighbours: every row then sees its own
 * neighbourhood as having the same size, which is what lets UMAP treat dense and sparse regions
 * alike. The directed weights a_ij are joined by the fuzzy union a + b − a·b.
 *
 * @param heads source row of each edge
 * @param tails target row of each edge (every edge appears in both directions)
 * @param weights membership strength of each edge, in (0, 1]
 * @param rows number of rows (vertices)
 */
public record FuzzyGraph(int[] heads, int[] tails, float[] weights, int rows) {
    private static final int BISECTION_STEPS = 64;
    private static final double TOLERANCE = 1e-5;
    /** umap-learn's floor on σ, as a share of the mean neighbour distance. */
    private static final double MIN_SCALE = 1e-3;

    public int edges() {
        return heads.length;
    }

    /** Builds the graph from each row's k nearest rows (self included, as {@link NearestRows#graph} gives). */
    public static FuzzyGraph of(NearestRows.Graph knn) {
        int n = knn.rows();
        int k = knn.k();
        int[] idx = knn.indices();
        float[] dist = knn.distances();
        float[] member = new float[n * k];
        double meanAll = mean(dist, 0, dist.length);
        for (int i = 0; i < n; i++) {
            memberships(i, idx, dist, k, meanAll, member);
        }
        // fuzzy union, one pass: an edge i→j meets its reverse j→i by a scan of j's k neighbours
        int[] heads = new int[2 * n * k];
        int[] tails = new int[2 * n * k];
        float[] weights = new float[2 * n * k];
        int e = 0;
        for (int i = 0; i < n; i++) {
            for (int s = i * k; s < i * k + k; s++) {
                int j = idx[s];
                if (j == i || member[s] <= 0) {
                    continue;
                }
                int back = position(idx, j, k, i);
                float a = member[s];
                float b = back < 0 ? 0f : member[back];
                float w = a + b - a * b;
                heads[e] = i;
                tails[e] = j;
                weights[e++] = w;
                if (back < 0 || b <= 0) {
                    // j's own pass does not emit j→i, so the reverse edge is written here
                    heads[e] = j;
                    tails[e] = i;
                    weights[e++] = w;
                }
            }
        }
        return new FuzzyGraph(Arrays.copyOf(heads, e), Arrays.copyOf(tails, e), Arrays.copyOf(weights, e), n);
    }

    /** ρ_i, σ_i by bisection, then row i's directed memberships exp(−(d − ρ) / σ) (1 within ρ). */
    private static void memberships(int i, int[] idx, float[] dist, int k, double meanAll, float[] member) {
        int from = i * k;
        double rho = 0;
        for (int s = from; s < from + k; s++) {
            if (idx[s] != i && dist[s] > 0) {
                rho = dist[s];
                break;
            }
        }
        double target = Math.log(k) / Math.log(2);
        double lo = 0;
        double hi = Double.POSITIVE_INFINITY;
        double sigma = 1;
        for (int step = 0; step < BISECTION_STEPS; step++) {
            double sum = 0;
            for (int s = from; s < from + k; s++) {
                if (idx[s] == i) {
                    continue;
                }
                double d = dist[s] - rho;
                sum += d > 0 ? Math.exp(-d / sigma) : 1;
            }
            if (Math.abs(sum - target) < TOLERANCE) {
                break;
            }
            if (sum > target) {
                hi = sigma;
                sigma = (lo + hi) / 2;
            } else {
                lo = sigma;
                sigma = hi == Double.POSITIVE_INFINITY ? sigma * 2 : (lo + hi) / 2;
            }
        }
        double meanRow = mean(dist, from, from + k);
        sigma = Math.max(sigma, MIN_SCALE * (rho > 0 ? meanRow : meanAll));
        for (int s = from; s < from + k; s++) {
            double d = dist[s] - rho;
            member[s] = idx[s] == i ? 0f : d <= 0 ? 1f : (float) Math.exp(-d / sigma);
        }
    }

    /** Where {@code target} sits in row {@code row}'s neighbour list, or −1. */
    private static int position(int[] idx, int row, int k, int target) {
        for (int s = row * k; s < row * k + k; s++) {
            if (idx[s] == target) {
                return s;
            }
        }
        return -1;
    }

    private static double mean(float[] v, int from, int to) {
        double sum = 0;
        for (int s = from; s < to; s++) {
            sum += v[s];
        }
        return sum / (to - from);
    }
}

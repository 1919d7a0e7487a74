package dev.bottleneck.metrics;

import java.util.Arrays;

/**
 * The Hungarian (Kuhn–Munkres) algorithm: the assignment of rows to columns with the least total
 * cost, in O(n²·m) with row and column potentials (the shortest-augmenting-path form). Used to
 * match found clusters to true classes before counting agreement; clustering accuracy is only
 * meaningful under the best one-to-one matching, and trying all k! matchings is out of reach past
 * k ≈ 10.
 */
public final class Hungarian {
    private Hungarian() {}

    /**
     * Solves a rectangular assignment problem.
     *
     * @param cost cost[i][j] of giving row i column j; rows ≤ columns (transpose otherwise)
     * @return for each row, the column it gets (all distinct)
     * @throws IllegalArgumentException when the matrix is empty, ragged, has more rows than
     *     columns, or holds a non-finite cost
     */
    public static int[] solve(double[][] cost) {
        int n = cost.length;
        if (n == 0) {
            throw new IllegalArgumentException("the cost matrix has no rows");
        }
        int m = cost[0].length;
        for (double[] row : cost) {
            if (row.length != m) {
                throw new IllegalArgumentException("the cost matrix is ragged (rows of " + m + " and " + row.length + " entries)");
            }
            for (double c : row) {
                if (!Double.isFinite(c)) {
                    throw new IllegalArgumentException("the cost matrix holds a non-finite cost " + c);
                }
            }
        }
        if (n > m) {
            throw new IllegalArgumentException("the cost matrix has " + n + " rows but only " + m
                    + " columns (expected rows ≤ columns; pass its transpose)");
        }
        // 1-based arrays with a sentinel column 0, as in the classic formulation
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] rowOfColumn = new int[m + 1];
        int[] way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            rowOfColumn[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = rowOfColumn[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (rowOfColumn[j0] != 0);
            do {
                int j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] columnOfRow = new int[n];
        for (int j = 1; j <= m; j++) {
            if (rowOfColumn[j] != 0) {
                columnOfRow[rowOfColumn[j] - 1] = j - 1;
            }
        }
        return columnOfRow;
    }

    /** The matching with the largest total weight (e.g. co-occurrence counts). */
    public static int[] maximise(double[][] weight) {
        double max = 0;
        for (double[] r : weight) {
            for (double w : r) {
                max = Math.max(max, w);
            }
        }
        double[][] cost = new double[weight.length][];
        for (int i = 0; i < weight.length; i++) {
            cost[i] = new double[weight[i].length];
            for (int j = 0; j < cost[i].length; j++) {
                cost[i][j] = max - weight[i][j];
            }
        }
        return solve(cost);
    }
}

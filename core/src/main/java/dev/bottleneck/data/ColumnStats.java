package dev.bottleneck.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The per-column statistics a {@link Scaler} is fitted from, gathered in two passes over row-major
 * blocks and mergeable, so that the same scaler can be fitted on one table ({@link Scaler#fit}) or
 * on data spread over many machines (each machine accumulates its rows, the parts are merged).
 *
 * <p>Pass one counts, sums and takes min/max of the non-NaN cells; pass two sums squared deviations
 * from the mean of pass one (numerically stable where a one-pass sum of squares is not). Serializable
 * because distributed callers ship partial statistics between processes.
 */
public final class ColumnStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] n;
    private final double[] sum;
    private final float[] min;
    private final float[] max;
    private final double[] squares;

    public ColumnStats(int cols) {
        n = new long[cols];
        sum = new double[cols];
        min = new float[cols];
        max = new float[cols];
        squares = new double[cols];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    public int cols() {
        return n.length;
    }

    /** Pass one over {@code rows} row-major rows: counts, sums, min and max of the non-NaN cells. */
    public ColumnStats addRows(float[] v, int rows) {
        int cols = n.length;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                float x = v[base + c];
                if (Float.isNaN(x)) {
                    continue;
                }
                n[c]++;
                sum[c] += x;
                if (x < min[c]) {
                    min[c] = x;
                }
                if (x > max[c]) {
                    max[c] = x;
                }
            }
        }
        return this;
    }

    /** Pass two: squared deviations from {@code mean} (the merged pass-one {@link #mean()}). */
    public ColumnStats addSquares(float[] v, int rows, double[] mean) {
        int cols = n.length;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                float x = v[base + c];
                if (!Float.isNaN(x)) {
                    double d = x - mean[c];
                    squares[c] += d * d;
                }
            }
        }
        return this;
    }

    /** Adds another part's statistics into this one. */
    public ColumnStats merge(ColumnStats o) {
        for (int c = 0; c < n.length; c++) {
            n[c] += o.n[c];
            sum[c] += o.sum[c];
            min[c] = Math.min(min[c], o.min[c]);
            max[c] = Math.max(max[c], o.max[c]);
            squares[c] += o.squares[c];
        }
        return this;
    }

    /** Mean of the non-NaN cells; exactly the value of a constant column, 0 for an empty one. */
    public double[] mean() {
        double[] mean = new double[n.length];
        for (int c = 0; c < n.length; c++) {
            mean[c] = n[c] == 0 ? 0 : min[c] == max[c] ? min[c] : sum[c] / n[c];
        }
        return mean;
    }

    long[] n() {
        return n;
    }

    float[] min() {
        return min;
    }

    float[] max() {
        return max;
    }

    double[] squares() {
        return squares;
    }
}

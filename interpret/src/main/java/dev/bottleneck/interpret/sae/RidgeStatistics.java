package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Running sums (n, Σx, Σy, XᵀX, XᵀY, Σy² per column) of a least-squares problem Y ≈ XW + b, so a
 * ridge fit needs one pass over rows that never sit in memory together, and the squared error of
 * any (W, b) on these rows follows from the sums alone (how the ridge penalty is chosen). The
 * products run on the engine in float64; the sums are kept here, in double.
 */
final class RidgeStatistics {
    /** A fitted map: {@code w} is d × t row-major, {@code b} has t entries. */
    record Ridge(double[] w, double[] b) {}

    private final int d;
    private final int t;
    private double n;
    private final double[] sx;
    private final double[] sy;
    private final double[] sxx;
    private final double[] sxy;
    private final double[] syy;

    RidgeStatistics(int d, int t) {
        this.d = d;
        this.t = t;
        sx = new double[d];
        sy = new double[t];
        sxx = new double[d * d];
        sxy = new double[d * t];
        syy = new double[t];
    }

    double rows() {
        return n;
    }

    /** Adds rows of x (rows, d) and y (rows, t), float64, each weighted by {@code weight} (rows). */
    void add(NDArray x, NDArray y, NDArray weight) {
        NDArray xw = x.mul(weight.reshape(-1, 1));
        add(sxx, xw.transpose().matMul(x).toDoubleArray());
        add(sxy, xw.transpose().matMul(y).toDoubleArray());
        add(sx, xw.sum(new int[] {0}).toDoubleArray());
        NDArray yw = y.mul(weight.reshape(-1, 1));
        add(sy, yw.sum(new int[] {0}).toDoubleArray());
        add(syy, yw.mul(y).sum(new int[] {0}).toDoubleArray());
        n += weight.sum().getDouble();
    }

    /** The sums of both, as if every row had been added to one. */
    RidgeStatistics plus(RidgeStatistics o) {
        RidgeStatistics s = new RidgeStatistics(d, t);
        s.n = n + o.n;
        for (double[][] p : new double[][][] {{s.sx, sx, o.sx}, {s.sy, sy, o.sy}, {s.sxx, sxx, o.sxx},
                {s.sxy, sxy, o.sxy}, {s.syy, syy, o.syy}}) {
            for (int i = 0; i < p[0].length; i++) {
                p[0][i] = p[1][i] + p[2][i];
            }
        }
        return s;
    }

    /**
     * Ridge regression with an unpenalised bias: W = (C + λ·tr(C)/d·I)⁻¹ C_xy on the centred
     * covariances, b = ȳ − x̄W. The penalty is relative to the mean input variance, so λ is unit-free.
     */
    Ridge solve(double lambda, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray mx = m.create(sx, new Shape(d, 1)).div(n);
            NDArray my = m.create(sy, new Shape(1, t)).div(n);
            NDArray cov = m.create(sxx, new Shape(d, d)).div(n).sub(mx.matMul(mx.transpose()));
            NDArray cxy = m.create(sxy, new Shape(d, t)).div(n).sub(mx.matMul(my));
            NDArray eye = m.eye(d, d, 0, DataType.FLOAT64);
            double trace = cov.mul(eye).sum().getDouble();
            // λ ≥ 1e-12 keeps a rank-deficient covariance solvable; a constant input (trace 0) gets W ≈ 0
            double ridge = Math.max(lambda, 1e-12) * (trace > 0 ? trace / d : 1);
            NDArray w = cov.add(eye.mul(ridge)).inverse().matMul(cxy);
            NDArray b = my.sub(mx.transpose().matMul(w));
            return new Ridge(w.toDoubleArray(), b.toDoubleArray());
        }
    }

    /** Σ over these rows of (y − xW − b)², per target column, from the sums. */
    double[] squaredError(Ridge r, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray w = m.create(r.w(), new Shape(d, t));
            NDArray b = m.create(r.b());
            NDArray yp = m.create(sxy, new Shape(d, t)).mul(w).sum(new int[] {0});          // Σ y·(xW)
            NDArray pp = m.create(sxx, new Shape(d, d)).matMul(w).mul(w).sum(new int[] {0}); // Σ (xW)²
            NDArray p = m.create(sx, new Shape(1, d)).matMul(w).reshape(t);                  // Σ xW
            NDArray sse = m.create(syy).sub(yp.add(b.mul(m.create(sy))).mul(2)).add(pp).add(p.mul(b).mul(2))
                    .add(b.square().mul(n));
            return sse.toDoubleArray();
        }
    }

    private static void add(double[] into, double[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
    }
}

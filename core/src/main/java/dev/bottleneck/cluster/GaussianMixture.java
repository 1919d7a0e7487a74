package dev.bottleneck.cluster;

import dev.bottleneck.BottleneckException;
import org.apache.commons.math3.distribution.MixtureMultivariateNormalDistribution;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.fitting.MultivariateNormalMixtureExpectationMaximization;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.util.Pair;

import java.util.ArrayList;
import java.util.List;

/**
 * A Gaussian mixture with full covariances, fitted by expectation maximisation (Apache Commons
 * Math) from a k-means clustering, as scikit-learn's {@code GaussianMixture(init_params="kmeans")}
 * starts. N2D clusters its UMAP embedding with it: UMAP's clusters are elongated and of unequal
 * spread, which k-means' equal spheres fit less well.
 *
 * <p>The starting covariances get {@code covarianceFloor} on their diagonal (scikit-learn's
 * {@code reg_covar}). If EM meets a singular covariance (a component collapsed onto a few
 * identical points) the k-means clustering is kept and the result says so.
 */
public final class GaussianMixture {
    private final int maxIterations;
    private final double tolerance;
    private final double covarianceFloor;

    private GaussianMixture(Builder b) {
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
        this.covarianceFloor = b.covarianceFloor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The fitted mixture's most likely component of every point.
     *
     * @param points n × d rows
     * @param start a k-means clustering of the same rows, the starting responsibilities
     */
    public GaussianMixtureResult fit(float[][] points, KMeansResult start) {
        int n = points.length;
        int k = start.k();
        int d = points[0].length;
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = points[i][j];
            }
        }
        try {
            MultivariateNormalMixtureExpectationMaximization em = new MultivariateNormalMixtureExpectationMaximization(x);
            boolean converged = true;
            try {
                em.fit(initial(x, start.assignments(), k), maxIterations, tolerance);
            } catch (MathIllegalStateException notConverged) {
                converged = false; // the last iterate is kept, as scikit-learn does after max_iter
            }
            List<Pair<Double, MultivariateNormalDistribution>> comps = em.getFittedModel().getComponents();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double p = comps.get(c).getFirst() * comps.get(c).getSecond().density(x[i]);
                    if (p > best) {
                        best = p;
                        out[i] = c;
                    }
                }
            }
            return new GaussianMixtureResult(out, em.getLogLikelihood(), converged, null);
        } catch (MathIllegalArgumentException e) { // a singular or non-positive-definite covariance
            return new GaussianMixtureResult(start.assignments().clone(), Double.NaN, false,
                    "a covariance became singular or indefinite (" + e.getMessage() + "); the k-means clusters were kept");
        }
    }

    /** Weights, means and covariances of the k-means clusters (an empty cluster is an error). */
    private MixtureMultivariateNormalDistribution initial(double[][] x, int[] assignment, int k) {
        int d = x[0].length;
        double[][] mean = new double[k][d];
        int[] count = new int[k];
        for (int i = 0; i < x.length; i++) {
            count[assignment[i]]++;
            for (int j = 0; j < d; j++) {
                mean[assignment[i]][j] += x[i][j];
            }
        }
        double[][][] cov = new double[k][d][d];
        for (int c = 0; c < k; c++) {
            if (count[c] == 0) {
                throw new BottleneckException("a Gaussian mixture cannot start from k-means cluster " + c + ", which is empty");
            }
            for (int j = 0; j < d; j++) {
                mean[c][j] /= count[c];
            }
        }
        for (int i = 0; i < x.length; i++) {
            double[] m = mean[assignment[i]];
            double[][] s = cov[assignment[i]];
            for (int a = 0; a < d; a++) {
                double da = x[i][a] - m[a];
                for (int b = 0; b <= a; b++) {
                    s[a][b] += da * (x[i][b] - m[b]);
                }
            }
        }
        List<Pair<Double, MultivariateNormalDistribution>> comps = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b <= a; b++) {
                    cov[c][a][b] /= count[c];
                    cov[c][b][a] = cov[c][a][b];
                }
                cov[c][a][a] += covarianceFloor;
            }
            comps.add(new Pair<>((double) count[c] / x.length, new MultivariateNormalDistribution(mean[c], cov[c])));
        }
        return new MixtureMultivariateNormalDistribution(comps);
    }

    /** DJL-style builder; scikit-learn's defaults except for more iterations (EM from k-means converges slowly). */
    public static final class Builder {
        private int maxIterations = 200;
        private double tolerance = 1e-5;
        private double covarianceFloor = 1e-6;

        /** EM iterations at most (default 200). */
        public Builder optMaxIterations(int v) { maxIterations = v; return this; }
        /** Stop when the mean log-likelihood per row changes by less than this (default 1e-5). */
        public Builder optTolerance(double v) { tolerance = v; return this; }
        /** Added to the starting covariances' diagonals (default 1e-6). */
        public Builder optCovarianceFloor(double v) { covarianceFloor = v; return this; }

        public GaussianMixture build() {
            if (maxIterations < 1 || !(tolerance > 0) || !(covarianceFloor >= 0)) {
                throw new BottleneckException("a Gaussian mixture needs max iterations >= 1, tolerance > 0 and a"
                        + " covariance floor >= 0, got " + maxIterations + ", " + tolerance + ", " + covarianceFloor);
            }
            return new GaussianMixture(this);
        }
    }
}

package dev.bottleneck.manifold;

import org.apache.commons.math3.analysis.ParametricUnivariateFunction;
import org.apache.commons.math3.fitting.SimpleCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;

/**
 * The smooth curve 1 / (1 + a·x^(2b)) UMAP uses for similarity in the embedding, fitted (least
 * squares, as umap-learn's {@code find_ab_params}) to the target "1 up to min_dist, then
 * exp(−(x − min_dist) / spread)" on 300 points of [0, 3·spread].
 *
 * @param a the curve's scale
 * @param b the curve's exponent
 */
public record UmapCurve(double a, double b) {
    private static final int POINTS = 300;

    public static UmapCurve fit(double minDist, double spread) {
        WeightedObservedPoints points = new WeightedObservedPoints();
        for (int i = 0; i < POINTS; i++) {
            double x = 3 * spread * i / (POINTS - 1);
            points.add(x, x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
        }
        double[] ab = SimpleCurveFitter.create(new Curve(), new double[] {1, 1}).withMaxIterations(10_000)
                .fit(points.toList());
        return new UmapCurve(ab[0], ab[1]);
    }

    /** 1 / (1 + a·x^(2b)) and its gradient in (a, b); at x = 0 the value is 1 and the gradient 0. */
    private static final class Curve implements ParametricUnivariateFunction {
        @Override
        public double value(double x, double... p) {
            return 1 / (1 + p[0] * Math.pow(x, 2 * p[1]));
        }

        @Override
        public double[] gradient(double x, double... p) {
            if (x <= 0) {
                return new double[] {0, 0};
            }
            double pow = Math.pow(x, 2 * p[1]);
            double denom = 1 + p[0] * pow;
            double common = -1 / (denom * denom);
            return new double[] {common * pow, common * p[0] * pow * 2 * Math.log(x)};
        }
    }
}

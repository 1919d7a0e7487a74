package dev.bottleneck.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;

/**
 * A fitted principal component analysis.
 *
 * @param mean the training mean (d)
 * @param components kept principal axes, one per row (c × d), by decreasing variance
 * @param explainedVariance variance along each kept axis
 * @param explainedVarianceRatio each kept axis's share of the total variance
 */
public record PcaModel(double[] mean, double[][] components, double[] explainedVariance,
        double[] explainedVarianceRatio) {

    public int size() {
        return components.length;
    }

    /** Share of the total variance the kept axes hold together. */
    public double keptVarianceRatio() {
        double s = 0;
        for (double r : explainedVarianceRatio) {
            s += r;
        }
        return s;
    }

    /** Projects rows onto the kept axes: (x − mean)·Wᵀ, on the engine. */
    public float[][] transform(float[][] points) {
        int d = mean.length;
        int c = components.length;
        float[] flat = new float[points.length * d];
        for (int i = 0; i < points.length; i++) {
            if (points[i].length != d) {
                throw new BottleneckException("row " + i + " has " + points[i].length + " values but the PCA was fitted on "
                        + d);
            }
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = (float) (points[i][j] - mean[j]);
            }
        }
        float[] w = new float[c * d];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < d; j++) {
                w[k * d + j] = (float) components[k][j];
            }
        }
        try (NDManager m = Engines.newManager(Device.cpu())) {
            NDArray z = m.create(flat, new Shape(points.length, d)).matMul(m.create(w, new Shape(c, d)).transpose());
            float[] out = z.toFloatArray();
            float[][] rows = new float[points.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = java.util.Arrays.copyOfRange(out, i * c, (i + 1) * c);
            }
            return rows;
        }
    }
}

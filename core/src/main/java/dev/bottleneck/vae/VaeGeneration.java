package dev.bottleneck.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.plot.ImageGrid;
import dev.bottleneck.plot.Scatter2D;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Looking at what a VAE learned: samples from the prior, interpolations between two inputs,
 * traversals of each latent dimension, and a 2-D map of codes. Every method returns rows in the
 * data's own units (pixels in [0, 1] for images: the decoder's mean, not a binarised sample), and
 * a {@code write*} variant draws them as a PNG.
 *
 * <p>Sampling and traversal need a prior over codes and so a VAE; interpolation and the code map
 * work for any autoencoder.
 */
public final class VaeGeneration {
    private VaeGeneration() {}

    /** {@code n} draws z ~ N(0, I) decoded (seeded: same seed, same images). */
    public static float[][] sample(Autoencoder model, int n, long seed) {
        GaussianBottleneck g = Vae.require(model, "sample from");
        positive("number of samples", n);
        // a Java generator, not the engine's: the draws then do not depend on what ran before
        Random r = new Random(seed);
        float[][] z = new float[n][g.latent()];
        for (float[] row : z) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return decode(model, z);
    }

    /**
     * {@code steps} decodings along the straight line between the codes of rows {@code a} and
     * {@code b} (raw units), endpoints included.
     */
    public static float[][] interpolate(Autoencoder model, float[] a, float[] b, int steps) {
        if (steps < 2) {
            throw new BottleneckException("interpolation needs at least 2 steps, got " + steps);
        }
        float[][] codes = model.encode(Table.of(new float[][] {a, b}));
        float[][] z = new float[steps][codes[0].length];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int j = 0; j < z[s].length; j++) {
                z[s][j] = (1 - t) * codes[0][j] + t * codes[1][j];
            }
        }
        return decode(model, z);
    }

    /**
     * One row per latent dimension, {@code steps} decodings each: the code of {@code base} (or
     * the prior mean 0 when null) with that one dimension swept over [−range, range] (prior
     * standard deviations). Row-major: dimension 0's sweep first.
     */
    public static float[][] traverse(Autoencoder model, float[] base, int steps, double range) {
        GaussianBottleneck g = Vae.require(model, "traverse the latent space of");
        if (steps < 2) {
            throw new BottleneckException("a traversal needs at least 2 steps, got " + steps);
        }
        if (!(range > 0) || Double.isInfinite(range)) {
            throw new BottleneckException("the traversal range must be a number > 0, got " + range);
        }
        int latent = g.latent();
        float[] center = base == null ? new float[latent] : model.encode(Table.of(new float[][] {base}))[0];
        float[][] z = new float[latent * steps][];
        for (int dim = 0; dim < latent; dim++) {
            for (int s = 0; s < steps; s++) {
                float[] c = center.clone();
                c[dim] = (float) (-range + 2 * range * s / (steps - 1));
                z[dim * steps + s] = c;
            }
        }
        return decode(model, z);
    }

    /**
     * Decodes codes (rows × latent) to rows in the data's units.
     *
     * @throws BottleneckException when the model has not been trained (it has no scaler)
     */
    public static float[][] decode(Autoencoder model, float[][] codes) {
        Scaler scaler = model.scaler();
        if (scaler == null) {
            throw new BottleneckException("the model has not been trained yet (it has no fitted scaler)");
        }
        int latent = model.latent();
        int d = model.inputWidth();
        Engines.inferenceMode();
        float[][] out = new float[codes.length][];
        int chunk = 1024;
        for (int start = 0; start < codes.length; start += chunk) {
            int m = Math.min(chunk, codes.length - start);
            float[] flat = new float[m * latent];
            for (int i = 0; i < m; i++) {
                if (codes[start + i].length != latent) {
                    throw new BottleneckException("code " + (start + i) + " has " + codes[start + i].length
                            + " values but the model's latent size is " + latent);
                }
                System.arraycopy(codes[start + i], 0, flat, i * latent, latent);
            }
            try (NDManager sub = model.manager().newSubManager()) {
                float[] r = model.decode(sub.create(flat, new Shape(m, latent)), false).toFloatArray();
                float[] raw = scaler.inverseTransform(r, d);
                for (int i = 0; i < m; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(raw, i * d, (i + 1) * d);
                }
            }
        }
        return out;
    }

    /**
     * Points of a 2-D map of codes.
     *
     * @param x first coordinate per row
     * @param y second coordinate per row
     * @param groups class label per row, or null when the data has none
     * @param xTitle axis title ("z1", or "PC 1 (43% of variance)")
     * @param yTitle axis title
     */
    public record CodeMap(double[] x, double[] y, String[] groups, String xTitle, String yTitle) {}

    /**
     * The codes of {@code data} in two dimensions: the code itself for a 2-D latent space, else
     * its projection on the first two principal components (computed with engine operations:
     * the covariance and power iteration with deflation).
     */
    public static CodeMap map(Autoencoder model, Table data) {
        float[][] codes = model.encode(data);
        int n = codes.length;
        int latent = model.latent();
        String[] groups = data.hasLabels() ? data.labels().toArray(new String[0]) : null;
        double[] x = new double[n];
        double[] y = new double[n];
        if (latent <= 2) {
            for (int i = 0; i < n; i++) {
                x[i] = codes[i][0];
                y[i] = latent == 2 ? codes[i][1] : 0;
            }
            return new CodeMap(x, y, groups, "z1", latent == 2 ? "z2" : "(none)");
        }
        float[] flat = new float[n * latent];
        for (int i = 0; i < n; i++) {
            System.arraycopy(codes[i], 0, flat, i * latent, latent);
        }
        Engines.inferenceMode();
        try (NDManager sub = model.manager().newSubManager()) {
            NDArray z = sub.create(flat, new Shape(n, latent));
            NDArray centred = z.sub(z.mean(new int[] {0}));
            NDArray cov = centred.transpose().matMul(centred).div((float) Math.max(1, n - 1));
            double total = cov.diagonal().sum().getFloat();
            NDArray[] pcs = new NDArray[2];
            double[] explained = new double[2];
            NDArray c = cov;
            for (int k = 0; k < 2; k++) {
                NDArray v = powerIteration(c, latent, k);
                double lambda = v.transpose().matMul(c).matMul(v).getFloat();
                explained[k] = total > 0 ? lambda / total : 0;
                pcs[k] = v;
                // deflation: remove the component found so the next iteration finds the next one
                c = c.sub(v.matMul(v.transpose()).mul((float) lambda));
            }
            float[] px = centred.matMul(pcs[0]).toFloatArray();
            float[] py = centred.matMul(pcs[1]).toFloatArray();
            for (int i = 0; i < n; i++) {
                x[i] = px[i];
                y[i] = py[i];
            }
            return new CodeMap(x, y, groups, String.format("PC 1 (%.0f%% of code variance)", 100 * explained[0]),
                    String.format("PC 2 (%.0f%% of code variance)", 100 * explained[1]));
        }
    }

    /** The leading eigenvector (latent × 1) of a symmetric matrix, sign fixed for reproducible plots. */
    private static NDArray powerIteration(NDArray c, int latent, int k) {
        float[] init = new float[latent];
        for (int j = 0; j < latent; j++) {
            // deterministic and unlikely to be orthogonal to any eigenvector
            init[j] = 1f + 0.37f * ((j * 7 + k * 3) % latent) / latent;
        }
        NDArray v = c.getManager().create(init, new Shape(latent, 1));
        for (int it = 0; it < 500; it++) {
            NDArray next = c.matMul(v);
            float norm = next.norm().getFloat();
            if (!(norm > 0)) {
                return v.div(v.norm());
            }
            v = next.div(norm);
        }
        float[] a = v.toFloatArray();
        int big = 0;
        for (int j = 1; j < a.length; j++) {
            if (Math.abs(a[j]) > Math.abs(a[big])) {
                big = j;
            }
        }
        return a[big] < 0 ? v.neg() : v;
    }

    // ---------------------------------------------------------------- pictures

    /** A grid of {@code n} samples, {@code columns} per row. */
    public static void writeSamples(Path out, Autoencoder model, int n, int columns, long seed) throws IOException {
        Vae.require(model, "sample from"); // before the image check: not being a VAE is the real problem
        int[] s = Vae.imageShape(model);
        ImageGrid.write(out, sample(model, n, seed), s[0], s[1], s[2], columns);
    }

    /** One strip: input a, the interpolation, input b (the endpoints are decoded too). */
    public static void writeInterpolation(Path out, Autoencoder model, float[] a, float[] b, int steps) throws IOException {
        int[] s = Vae.imageShape(model);
        float[][] strip = interpolate(model, a, b, steps);
        ImageGrid.write(out, strip, s[0], s[1], s[2], strip.length);
    }

    /** One row per latent dimension, {@code steps} images across. */
    public static void writeTraversal(Path out, Autoencoder model, float[] base, int steps, double range) throws IOException {
        Vae.require(model, "traverse the latent space of");
        int[] s = Vae.imageShape(model);
        ImageGrid.write(out, traverse(model, base, steps, range), s[0], s[1], s[2], steps);
    }

    /** A scatter plot of {@link #map}, coloured by class. */
    public static void writeMap(Path out, Autoencoder model, Table data) throws IOException {
        CodeMap m = map(model, data);
        Scatter2D.write(out, "Codes of " + data.rows() + " rows", m.xTitle(), m.yTitle(), m.x(), m.y(), m.groups());
    }

    private static void positive(String what, int n) {
        if (n < 1) {
            throw new BottleneckException("the " + what + " must be ≥ 1, got " + n);
        }
    }
}

package dev.bottleneck.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.objective.Objective;

/**
 * Likelihood-based evaluation of a trained VAE, in nats per row (higher is better):
 *
 * <ul>
 *   <li>{@link #elbo}: E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), the expectation by Monte Carlo over
 *       z, the KL in closed form;
 *   <li>{@link #logLikelihood}: the importance-sampled estimate log (1/k) Σ p(x, z_i) / q(z_i|x)
 *       with z_i ~ q(z|x) (Burda et al., "Importance Weighted Autoencoders"): a lower bound on
 *       log p(x) that tightens as k grows and equals the ELBO in expectation at k = 1;
 *   <li>{@link #reconstructionLogProbability}: E_q[log p(x|z)] (An &amp; Cho, "Variational
 *       Autoencoder based Anomaly Detection using Reconstruction Probability"), whose negative is
 *       an anomaly score.
 * </ul>
 *
 * <p>The likelihood is {@link Vae#likelihood} of the model's objective. A Gaussian one is
 * reported for the data in its own units (the scaler's Jacobian is included). Every method is
 * seeded: the same seed gives the same numbers.
 */
public final class VaeEvaluation {
    /** Rows per engine call; with one decoder pass per sample this bounds native memory. */
    private static final int CHUNK = 512;
    /** Decoded rows per engine call (rows × draws). */
    private static final int DRAW_ROWS = 4096;

    private VaeEvaluation() {}

    /**
     * ELBO of a data set.
     *
     * @param elbo mean ELBO per row in nats
     * @param reconstruction mean E_q[log p(x|z)] per row
     * @param kl mean KL(q(z|x) ‖ N(0, I)) per row
     * @param perRow ELBO of every row
     * @param samples Monte-Carlo samples of z per row
     */
    public record Elbo(double elbo, double reconstruction, double kl, double[] perRow, int samples) {}

    /**
     * Importance-sampled log-likelihood of a data set.
     *
     * @param logLikelihood mean estimate of log p(x) per row in nats
     * @param perRow the estimate for every row
     * @param samples importance samples k per row
     */
    public record LogLikelihood(double logLikelihood, double[] perRow, int samples) {}

    /** The ELBO with {@code samples} Monte-Carlo draws of z per row (1 is the usual choice). */
    public static Elbo elbo(Autoencoder model, Table data, int samples, long seed) {
        Result r = run(model, data, samples, seed, "compute the ELBO of");
        int n = data.rows();
        double[] per = new double[n];
        double rec = 0;
        double kl = 0;
        for (int i = 0; i < n; i++) {
            per[i] = r.recon[i] - r.kl[i];
            rec += r.recon[i];
            kl += r.kl[i];
        }
        return new Elbo((rec - kl) / n, rec / n, kl / n, per, samples);
    }

    /** The importance-sampled estimate of log p(x) with {@code k} samples per row (e.g. 100 to 5000). */
    public static LogLikelihood logLikelihood(Autoencoder model, Table data, int k, long seed) {
        Result r = run(model, data, k, seed, "estimate the log-likelihood of");
        double sum = 0;
        for (double v : r.iw) {
            sum += v;
        }
        return new LogLikelihood(sum / data.rows(), r.iw, k);
    }

    /**
     * E_q[log p(x|z)] of every row, averaged over {@code samples} draws of z: high for data like
     * the training data. Its negative is an anomaly score.
     */
    public static double[] reconstructionLogProbability(Autoencoder model, Table data, int samples, long seed) {
        return run(model, data, samples, seed, "compute the reconstruction probability of").recon;
    }

    /**
     * The anomaly score of every row: −E_q[log p(x|z)] in nats, higher = more unusual (the same
     * direction as {@link Autoencoder#score}), so a detector can rank rows by it.
     */
    public static double[] anomalyScore(Autoencoder model, Table data, int samples, long seed) {
        double[] lp = reconstructionLogProbability(model, data, samples, seed);
        for (int i = 0; i < lp.length; i++) {
            lp[i] = -lp[i];
        }
        return lp;
    }

    /** Per row: mean log p(x|z_s), KL, and the log-mean-exp of the importance weights. */
    private record Result(double[] recon, double[] kl, double[] iw) {}

    private static Result run(Autoencoder model, Table data, int samples, long seed, String what) {
        GaussianBottleneck gauss = Vae.require(model, what);
        if (samples < 1) {
            throw new BottleneckException("the number of samples must be ≥ 1, got " + samples);
        }
        float[] rows = model.prepare(data);
        int n = data.rows();
        int d = model.inputWidth();
        int latent = gauss.latent();
        Objective likelihood = Vae.likelihood(model.config().objective());
        double jacobian = Vae.logJacobian(model);
        double[] recon = new double[n];
        double[] kl = new double[n];
        double[] iw = new double[n];
        Engines.inferenceMode();
        Engines.seed(seed);
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            float[] chunk = java.util.Arrays.copyOfRange(rows, start * d, (start + m) * d);
            try (NDManager cm = model.manager().newSubManager()) {
                NDArray x = cm.create(chunk, new Shape(m, d));
                NDArray enc = model.encodeRaw(x, false);
                NDArray mu = gauss.mean(enc);
                NDArray logVar = gauss.logVariance(enc);
                NDArray sigma = logVar.mul(0.5f).exp();
                // ½ Σ log σ²: the part of log p(z) − log q(z|x) that does not depend on the draw
                float[] halfLogDet = logVar.sum(new int[] {1}).mul(0.5f).toFloatArray();
                float[] klRow = GaussianBottleneck.klPerRow(mu, logVar).toFloatArray();
                double[][] logW = new double[m][samples];
                // several draws per decoder call (rows sample-major: draw s of row i at s·m + i):
                // fewer, larger engine calls
                int group = Math.max(1, Math.min(samples, DRAW_ROWS / m));
                NDArray muTiled = mu.tile(new long[] {group, 1});
                NDArray sigmaTiled = sigma.tile(new long[] {group, 1});
                for (int s0 = 0; s0 < samples; s0 += group) {
                    int g = Math.min(group, samples - s0);
                    // every per-draw array lives in this sub-manager (arrays attach to their first
                    // operand's manager, so each expression starts from one created here)
                    try (NDManager sm = cm.newSubManager()) {
                        NDArray eps = sm.randomNormal(new Shape((long) g * m, latent));
                        NDIndex first = new NDIndex("0:{}", (long) g * m);
                        NDArray z = eps.mul(g == group ? sigmaTiled : sigmaTiled.get(first))
                                .add(g == group ? muTiled : muTiled.get(first));
                        NDArray xHat = model.decode(z, false);
                        float[] tiled = new float[g * m * d];
                        for (int k = 0; k < g; k++) {
                            System.arraycopy(chunk, 0, tiled, k * m * d, m * d);
                        }
                        NDArray xs = sm.create(tiled, new Shape((long) g * m, d));
                        float[] ll = likelihood.perRow(xs, xHat).neg().toFloatArray();
                        // log N(z; 0, I) − log N(z; μ, σ²) = −½Σz² + ½Σε² + ½Σ log σ² (2π terms cancel)
                        float[] prior = eps.square().sub(z.square()).sum(new int[] {1}).mul(0.5f).toFloatArray();
                        for (int k = 0; k < g; k++) {
                            for (int i = 0; i < m; i++) {
                                int j = k * m + i;
                                recon[start + i] += (ll[j] + jacobian) / samples;
                                logW[i][s0 + k] = ll[j] + jacobian + prior[j] + halfLogDet[i];
                            }
                        }
                    }
                }
                for (int i = 0; i < m; i++) {
                    kl[start + i] = klRow[i];
                    iw[start + i] = logMeanExp(logW[i]);
                }
            }
        }
        return new Result(recon, kl, iw);
    }

    /** log((1/k) Σ exp(a_i)), computed stably around the largest term. */
    static double logMeanExp(double[] a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double v : a) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum / a.length);
    }
}

package dev.bottleneck.cvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.objective.Objective;

import java.util.Arrays;

/**
 * The conditional negative log-likelihood −log p(y|x) in nats per row (lower is better), as
 * Sohn et al. report it for image completion:
 *
 * <ul>
 *   <li>{@link #nll} ({@link Estimator#IMPORTANCE}): −log (1/S) Σ_s p(y|x,z_s) p(z_s|x) / q(z_s|x,y)
 *       with z_s ~ q(z|x,y), the recognition network as proposal; an upper bound on the NLL in
 *       expectation that tightens as S grows (at S = 1 it is the negative ELBO in expectation);
 *   <li>{@link Estimator#PRIOR}: −log (1/S) Σ_s p(y|x,z_s) with z_s ~ p(z|x), the paper's "CLL via
 *       prior sampling": needs no recognition network, but with few samples it overestimates the
 *       NLL much more;
 *   <li>for the deterministic baseline both are the Bernoulli NLL of ŷ = f(x) (no sampling).
 * </ul>
 *
 * <p>The log-mean-exp over samples runs on the engine. Seeded: the same seed gives the same numbers.
 */
public final class ConditionalEvaluation {
    /** Decoded rows (rows × samples) per engine call. */
    private static final int DRAW_ROWS = 4096;
    private static final int CHUNK = 256;

    private ConditionalEvaluation() {}

    /** How the samples of z are drawn. */
    public enum Estimator {
        /** z ~ q(z|x,y), importance-weighted. */
        IMPORTANCE,
        /** z ~ p(z|x). */
        PRIOR
    }

    /**
     * The conditional NLL of a data set.
     *
     * @param nll mean −log p(y|x) per row, nats
     * @param perRow the estimate of every row
     * @param samples S (1 for the baseline, which needs none)
     * @param estimator how z was drawn
     */
    public record Nll(double nll, double[] perRow, int samples, Estimator estimator) {
        public Nll {
            perRow = perRow.clone();
        }

        @Override
        public double[] perRow() {
            return perRow.clone();
        }
    }

    /** The importance-sampled conditional NLL with {@code samples} draws per row (e.g. 100). */
    public static Nll nll(ConditionalVae model, Table pairs, int samples, long seed) {
        return nll(model, pairs, samples, seed, Estimator.IMPORTANCE);
    }

    /** The conditional NLL with the chosen estimator. */
    public static Nll nll(ConditionalVae model, Table pairs, int samples, long seed, Estimator estimator) {
        if (samples < 1) {
            throw new BottleneckException("the number of samples must be ≥ 1, got " + samples);
        }
        ConditionalSpec spec = model.spec();
        int dx = spec.inputWidth();
        int dy = spec.outputWidth();
        int d = dx + dy;
        if (pairs.cols() != d) {
            throw new BottleneckException(pairs.source() + " has " + pairs.cols() + " columns but the model expects "
                    + d + " (" + dx + " of x, then " + dy + " of y)");
        }
        boolean baseline = spec.kind() == ConditionalKind.BASELINE;
        int s = baseline ? 1 : samples;
        int n = pairs.rows();
        float[] all = pairs.values();
        double[] per = new double[n];
        Engines.inferenceMode();
        Engines.seed(seed);
        for (int start = 0; start < n; start += CHUNK) {
            int m = Math.min(CHUNK, n - start);
            try (NDManager cm = model.manager().newSubManager()) {
                NDArray xy = cm.create(Arrays.copyOfRange(all, start * d, (start + m) * d), new Shape(m, d));
                NDArray x = xy.get(new NDIndex(":, 0:{}", dx));
                NDArray y = xy.get(new NDIndex(":, {}:", dx));
                float[] rowNll = baseline
                        ? Objective.BERNOULLI.perRow(y, model.generate(x, null, false)).toFloatArray()
                        : sampled(model, x, y, s, estimator, cm);
                for (int i = 0; i < m; i++) {
                    per[start + i] = rowNll[i];
                }
            }
        }
        double sum = 0;
        for (double v : per) {
            sum += v;
        }
        return new Nll(sum / n, per, s, estimator);
    }

    /** −log (1/S) Σ_s w_s of each row, the log-weights gathered as an S × m array and reduced on the engine. */
    private static float[] sampled(ConditionalVae model, NDArray x, NDArray y, int samples, Estimator estimator,
            NDManager cm) {
        int m = (int) x.getShape().get(0);
        ConditionalVae.Gaussian p = model.priorOf(x, false);
        ConditionalVae.Gaussian q = estimator == Estimator.IMPORTANCE ? model.recognize(x, y, false) : null;
        ConditionalVae.Gaussian proposal = q != null ? q : p;
        // several draws per generator call (draw k of row i at k·m + i): fewer, larger engine calls
        int group = Math.max(1, Math.min(samples, DRAW_ROWS / m));
        NDList logW = new NDList();
        for (int s0 = 0; s0 < samples; s0 += group) {
            int g = Math.min(group, samples - s0);
            try (NDManager sm = cm.newSubManager()) {
                long[] reps = {g, 1};
                NDArray eps = sm.randomNormal(new Shape((long) g * m, model.spec().latent()));
                NDArray mu = proposal.mean().tile(reps);
                NDArray lv = proposal.logVar().tile(reps);
                NDArray z = eps.mul(lv.mul(0.5f).exp()).add(mu);
                NDArray xs = x.tile(reps);
                NDArray lw = Objective.BERNOULLI.perRow(y.tile(reps), model.generate(xs, z, false)).neg();
                if (q != null) {
                    // + log p(z|x) − log q(z|x,y); the 2π terms cancel
                    NDArray pm = p.mean().tile(reps);
                    NDArray plv = p.logVar().tile(reps);
                    NDArray logP = z.sub(pm).square().mul(plv.neg().exp()).add(plv);
                    NDArray logQ = eps.square().add(lv);
                    lw = lw.add(logQ.sub(logP).sum(new int[] {1}).mul(0.5f));
                }
                NDArray kept = lw.reshape(g, m);
                kept.attach(cm);
                logW.add(kept);
            }
        }
        NDArray w = logW.size() == 1 ? logW.get(0) : NDArrays.concat(logW, 0);
        // log-mean-exp over the S draws, stabilised by the largest one
        NDArray max = w.max(new int[] {0}, true);
        NDArray lme = w.sub(max).exp().mean(new int[] {0}).log().add(max.squeeze(0));
        return lme.neg().toFloatArray();
    }
}

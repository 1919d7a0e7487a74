package dev.bottleneck.cluster;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.BottleneckInput;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.Shuffle;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The self-training loop DEC and DEPICT share: soft assignments of all rows → a sharpened target
 * distribution, held fixed for T steps of Adam on KL(target ‖ model) (plus whatever else the
 * objective adds; the learning rate warms up linearly over the first T steps), then recomputed;
 * it stops when fewer than the tolerance of rows change cluster between two updates. Gradients
 * come from the engine's autograd.
 */
final class TargetTraining {
    /** What differs between DEC and DEPICT. */
    interface Head {
        /** Trainable tensors: (part of) the autoencoder's plus the clustering layer's. */
        Map<String, Parameter> parameters();

        /** Soft cluster assignments (rows × k) of scaled rows. */
        NDArray probabilities(NDArray x, boolean training);

        /** The target distribution for soft assignments q (row-major n × k). */
        float[] target(float[] q, int n, int k);

        /** The loss of one batch against its target rows, to minimise. */
        NDArray loss(NDArray x, NDArray target);
    }

    private TargetTraining() {}

    static DeepClusteringResult run(Autoencoder model, float[] scaled, int n, int k, Head head,
            DeepClusteringConfig config, StopSignal stop, IntConsumer progress) {
        int d = model.inputWidth();
        int batch = Math.min(config.batchSize(), n);
        TrainingConfig adam = TrainingConfig.builder().optLearningRate(config.learningRate())
                .optBatchSize(batch).optValidationFraction(0).optSeed(config.seed()).build();
        Map<String, Parameter> params = head.parameters();
        List<DeepClusteringResult.TargetUpdate> history = new ArrayList<>();
        float[] q = probabilities(model, head, scaled, n, k);
        float[] target = head.target(q, n, k);
        int[] labels = argMax(q, n, k);
        double lossAtUpdate = kl(target, q, n);
        double changed = Double.NaN;
        int lastUpdate = 0;
        boolean converged = false;
        Random random = new Random(config.seed());
        int[] order = Shuffle.permutation(n, random::nextInt);
        int cursor = 0;
        float[] xb = new float[batch * d];
        float[] tb = new float[batch * k];
        int it = 0;
        Engines.seed(config.seed());
        try (AdamOptimizer opt = new AdamOptimizer(adam, model.manager())) {
            while (it < config.maxIterations() && !stop.isRequested()) {
                if (it > 0 && it % config.updateInterval() == 0) {
                    q = probabilities(model, head, scaled, n, k);
                    history.add(new DeepClusteringResult.TargetUpdate(lastUpdate, changed, lossAtUpdate, kl(target, q, n)));
                    int[] next = argMax(q, n, k);
                    changed = changedShare(labels, next);
                    labels = next;
                    target = head.target(q, n, k);
                    lossAtUpdate = kl(target, q, n);
                    lastUpdate = it;
                    if (changed < config.tolerance()) {
                        converged = true;
                        break;
                    }
                }
                if (cursor + batch > n) {
                    order = Shuffle.permutation(n, random::nextInt);
                    cursor = 0;
                }
                for (int i = 0; i < batch; i++) {
                    int r = order[cursor + i];
                    System.arraycopy(scaled, r * d, xb, i * d, d);
                    System.arraycopy(target, r * k, tb, i * k, k);
                }
                cursor += batch;
                try (NDManager step = model.manager().newSubManager()) {
                    NDArray x = step.create(xb, new Shape(batch, d));
                    NDArray t = step.create(tb, new Shape(batch, k));
                    NDArray loss;
                    try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                        loss = head.loss(x, t);
                        gc.backward(loss);
                    }
                    // linear warm-up over the first interval: Adam's first steps move every weight by
                    // the full rate whatever its gradient, which would jolt the pre-trained encoder
                    double lr = config.learningRate() * Math.min(1.0, (it + 1.0) / config.updateInterval());
                    opt.update(params, lr, step);
                    float value = loss.getFloat();
                    if (!Float.isFinite(value)) {
                        throw new BottleneckException("deep clustering diverged: the loss became " + value
                                + " at step " + (it + 1) + " (try a lower learning rate)");
                    }
                }
                it++;
                progress.accept(it);
            }
        }
        if (!converged) {
            q = probabilities(model, head, scaled, n, k);
            history.add(new DeepClusteringResult.TargetUpdate(lastUpdate, changed, lossAtUpdate, kl(target, q, n)));
            int[] next = argMax(q, n, k);
            history.add(new DeepClusteringResult.TargetUpdate(it, changedShare(labels, next), kl(head.target(q, n, k), q, n),
                    Double.NaN));
            labels = next;
        } else {
            history.add(new DeepClusteringResult.TargetUpdate(lastUpdate, changed, lossAtUpdate, Double.NaN));
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = java.util.Arrays.copyOfRange(q, i * k, (i + 1) * k);
        }
        return new DeepClusteringResult(labels, rows, List.copyOf(history), it, converged);
    }

    /**
     * Refuses initial centres whose width is not the model's code width; returns that width.
     */
    static int checkCentres(Autoencoder model, KMeansResult start) {
        int latent = model.latent();
        if (start.centroids()[0].length != latent) {
            throw new BottleneckException("the initial centres have " + start.centroids()[0].length
                    + " values but the model's code has " + latent);
        }
        return latent;
    }

    /** A clustering layer's tensor as a trainable parameter (gradients on), for {@link Head#parameters()}. */
    static Parameter trainable(String name, NDArray array) {
        array.setRequiresGradient(true);
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        p.setArray(array);
        return p;
    }

    /** Soft cluster sizes f_j = Σ_i q_ij of row-major n × k assignments: what both targets divide by. */
    static double[] clusterSizes(float[] q, int n, int k) {
        double[] f = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                f[j] += q[i * k + j];
            }
        }
        return f;
    }

    /** The code of scaled rows, through the model's bottleneck (its mean, for a VAE). */
    static NDArray code(Autoencoder model, NDArray x, boolean training) {
        NDArray enc = model.encodeRaw(x, training);
        return model.bottleneck().apply(new BottleneckInput(x, enc, training, a -> model.encodeRaw(a, training))).code();
    }

    private static float[] probabilities(Autoencoder model, Head head, float[] scaled, int n, int k) {
        float[][] rows = model.mapRows(scaled, n, k, x -> head.probabilities(x, false));
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, out, i * k, k);
        }
        return out;
    }

    /** Mean over rows of KL(target row ‖ model row). */
    static double kl(float[] target, float[] model, int n) {
        double sum = 0;
        for (int i = 0; i < target.length; i++) {
            if (target[i] > 0) {
                sum += target[i] * (Math.log(target[i]) - Math.log(Math.max(model[i], 1e-30)));
            }
        }
        return sum / n;
    }

    static int[] argMax(float[] q, int n, int k) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (q[i * k + j] > q[i * k + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static double changedShare(int[] a, int[] b) {
        int c = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                c++;
            }
        }
        return (double) c / a.length;
    }

    /** Normalises each row of a row-major n × k array to sum to 1, in place. */
    static float[] normaliseRows(double[] v, int n, int k) {
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += v[i * k + j];
            }
            for (int j = 0; j < k; j++) {
                out[i * k + j] = (float) (v[i * k + j] / s);
            }
        }
        return out;
    }
}

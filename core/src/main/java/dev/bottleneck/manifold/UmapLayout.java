package dev.bottleneck.manifold;

import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * UMAP's layout optimisation: stochastic gradient descent on the fuzzy cross-entropy between the
 * graph and the embedding (umap-learn's {@code optimize_layout_euclidean}). Each edge is sampled
 * in proportion to its weight (every w_max / w epochs) and pulls its two ends together; every
 * sample also pushes the head away from {@code negativeRate} uniformly drawn rows. The learning
 * rate falls linearly to 0; each gradient coordinate is clipped to ±4.
 *
 * <p>Plain loops over a flat float array, one thread: the work is millions of scattered
 * 2-to-10-dimensional updates, which an engine call per update would only slow down, and one
 * thread keeps a seeded run exactly repeatable.
 */
final class UmapLayout {
    private static final double CLIP = 4;

    private UmapLayout() {}

    /**
     * Optimises {@code embedding} (n × dim, row-major) in place for {@code epochs} epochs (the
     * settings' 0 already resolved); {@code stop} is asked after each epoch.
     */
    static void optimise(FuzzyGraph graph, float[] embedding, int dim, UmapCurve curve, int epochs, Umap.Settings s,
            IntConsumer progress, BooleanSupplier stop) {
        float wMax = 0;
        for (float w : graph.weights()) {
            wMax = Math.max(wMax, w);
        }
        // edges too weak to be sampled once in the whole run are dropped, as umap-learn does
        int m = 0;
        int[] heads = new int[graph.edges()];
        int[] tails = new int[graph.edges()];
        double[] every = new double[graph.edges()];
        for (int e = 0; e < graph.edges(); e++) {
            if (graph.weights()[e] >= wMax / epochs) {
                heads[m] = graph.heads()[e];
                tails[m] = graph.tails()[e];
                every[m++] = wMax / graph.weights()[e];
            }
        }
        double[] next = new double[m];
        double[] nextNegative = new double[m];
        for (int e = 0; e < m; e++) {
            next[e] = every[e];
            nextNegative[e] = every[e] / s.negativeRate();
        }
        double a = curve.a();
        double b = curve.b();
        int n = graph.rows();
        SplittableRandom random = new SplittableRandom(s.seed());
        float[] delta = new float[dim];
        for (int epoch = 0; epoch < epochs; epoch++) {
            double alpha = s.learningRate() * (1 - (double) epoch / epochs);
            for (int e = 0; e < m; e++) {
                if (next[e] > epoch) {
                    continue;
                }
                int j = heads[e] * dim;
                int k = tails[e] * dim;
                double d2 = squaredDistance(embedding, j, k, dim, delta);
                double attract = 0;
                if (d2 > 0) {
                    double pow = Math.pow(d2, b); // d2^(b−1) = pow / d2: one pow per sample
                    attract = -2 * a * b * (pow / d2) / (a * pow + 1);
                }
                for (int c = 0; c < dim; c++) {
                    double g = clip(attract * delta[c]) * alpha;
                    embedding[j + c] += (float) g;
                    embedding[k + c] -= (float) g;
                }
                next[e] += every[e];
                double perNegative = every[e] / s.negativeRate();
                int negatives = (int) ((epoch - nextNegative[e]) / perNegative);
                for (int p = 0; p < negatives; p++) {
                    int other = random.nextInt(n);
                    if (other * dim == j) {
                        continue;
                    }
                    int o = other * dim;
                    double nd2 = squaredDistance(embedding, j, o, dim, delta);
                    if (nd2 <= 0) {
                        continue;
                    }
                    double repel = 2 * s.repulsion() * b / ((0.001 + nd2) * (a * Math.pow(nd2, b) + 1));
                    for (int c = 0; c < dim; c++) {
                        embedding[j + c] += (float) (clip(repel * delta[c]) * alpha);
                    }
                }
                nextNegative[e] += negatives * perNegative;
            }
            progress.accept(epoch + 1);
            if (stop.getAsBoolean()) {
                return;
            }
        }
    }

    /** ‖x_j − x_k‖², leaving x_j − x_k in {@code delta}. */
    private static double squaredDistance(float[] x, int j, int k, int dim, float[] delta) {
        double sum = 0;
        for (int c = 0; c < dim; c++) {
            float d = x[j + c] - x[k + c];
            delta[c] = d;
            sum += d * d;
        }
        return sum;
    }

    private static double clip(double v) {
        return Math.max(-CLIP, Math.min(CLIP, v));
    }
}

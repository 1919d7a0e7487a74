package dev.bottleneck.cluster;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.neighbours.NearestRows;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.Shuffle;
import dev.bottleneck.train.TrainingConfig;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * SCAN's clustering step (Van Gansbeke et al., "SCAN: Learning to Classify Images without
 * Labels", ECCV 2020) on rows that already place similar items close together: a small network
 * maps each row to k cluster probabilities and is trained so that a row and each of its nearest
 * neighbours get the same cluster (loss −log p_i·p_j) while the clusters stay about equally large
 * (the entropy of the mean probabilities, weighted 5, is maximised).
 *
 * <p>Why it is here: on an autoencoder's UMAP embedding (N2D's manifold) a Gaussian mixture follows
 * the densest shapes, so a class made of two separate islands gets two clusters and three
 * touching classes share one. The size prior makes that partition expensive, and the neighbour
 * term keeps every cut on a sparse part of the graph. Fashion-MNIST's classes are equally large,
 * as in most labelled benchmarks; for data whose clusters are known to differ a lot in size, lower
 * {@link Builder#optEntropyWeight}.
 *
 * <p>Which partition a head settles on is decided in its first few epochs, and different seeds
 * settle on different ones; the lower the loss, the better the partition tended to be on
 * Fashion-MNIST. So many heads are started (20 by default) and screened after a few epochs (5), the
 * few with the lowest loss then (4) are trained to the end, and the one with the lowest final loss
 * over all rows and all their neighbours is kept — SCAN keeps its lowest-loss head too, as k-means
 * keeps its lowest-inertia restart. Columns are standardised first; neighbours are exact
 * ({@link NearestRows}), found once.
 */
public final class Scan {
    private final Builder s;

    private Scan(Builder b) {
        this.s = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Clusters {@code rows} (n × d). */
    public ScanResult fit(float[][] rows) {
        int n = rows.length;
        if (n <= s.neighbours) {
            throw new BottleneckException("SCAN with " + s.neighbours + " neighbours per row needs more than "
                    + s.neighbours + " rows, got " + n);
        }
        if (n < s.k) {
            throw new BottleneckException("SCAN into " + s.k + " clusters needs at least " + s.k + " rows, got " + n);
        }
        int d = rows[0].length;
        Table table = Table.of(rows);
        float[] x = Scaler.fit(ScalerKind.STANDARD, table).transform(table.values(), d);
        int[] nbr;
        try (NDManager manager = Engines.newManager(Device.cpu())) {
            nbr = withoutSelf(NearestRows.graph(manager, x, d, s.neighbours + 1), s.neighbours);
            Run run = new Run(manager, x, nbr, n, d);
            long[] seeds = new SplittableRandom(s.seed).longs(s.heads).toArray();
            double[] screening = new double[s.heads];
            double[] finals = new double[s.heads];
            Arrays.fill(screening, Double.NaN);
            Arrays.fill(finals, Double.NaN);
            boolean screen = s.survivors < s.heads && s.screenEpochs < s.epochs;
            Integer[] order = new Integer[s.heads];
            for (int h = 0; h < s.heads; h++) {
                order[h] = h;
            }
            if (screen) {
                for (int h = 0; h < s.heads && !run.stopped; h++) {
                    screening[h] = run.head(h, seeds[h], s.screenEpochs);
                }
                // the partition is settled within the first epochs, so the heads that lead then are
                // the ones worth finishing (a head's run is repeatable, so it is retrained from its seed)
                Arrays.sort(order, Comparator.comparingDouble(h -> Double.isNaN(screening[h])
                        ? Double.POSITIVE_INFINITY : screening[h]));
            }
            int finish = screen ? s.survivors : s.heads;
            for (int r = 0; r < finish && !run.stopped; r++) {
                finals[order[r]] = run.head(order[r], seeds[order[r]], s.epochs);
            }
            float[] best = run.best;
            float[][] probabilities = new float[n][];
            for (int i = 0; i < n; i++) {
                probabilities[i] = Arrays.copyOfRange(best, i * s.k, (i + 1) * s.k);
            }
            return new ScanResult(TargetTraining.argMax(best, n, s.k), probabilities, run.bestHead, screening, finals,
                    run.bestParts[1], run.bestParts[2], run.stopped);
        }
    }

    /** The heads trained so far and the lowest-loss one among them. */
    private final class Run {
        final NDManager manager;
        final float[] x;
        final int[] nbr;
        final int n;
        final int d;
        int epochsDone;
        boolean stopped;
        float[] best;
        /** The best head's {total, consistency, size entropy}. */
        double[] bestParts = {Double.POSITIVE_INFINITY, Double.NaN, Double.NaN};
        int bestHead = -1;

        Run(NDManager manager, float[] x, int[] nbr, int n, int d) {
            this.manager = manager;
            this.x = x;
            this.nbr = nbr;
            this.n = n;
            this.d = d;
        }

        /** Trains head h from its seed for some epochs; returns its loss over all rows and neighbours. */
        double head(int h, long seed, int epochs) {
            try (NDManager headManager = manager.newSubManager()) {
                Head head = new Head(headManager, d, s.hidden, s.k, seed);
                stopped = train(head, seed, h, epochs);
                float[] p = head.probabilities(x, n, d);
                double[] parts = loss(p, nbr, n);
                if (parts[0] < bestParts[0]) {
                    bestParts = parts;
                    best = p;
                    bestHead = h;
                }
                return parts[0];
            }
        }

        /** Trains one head for some epochs; true when a stop request ended it early. */
        private boolean train(Head head, long seed, int headIndex, int epochs) {
            TrainingConfig adam = TrainingConfig.builder().optLearningRate(s.learningRate).optBatchSize(s.batchSize)
                    .optValidationFraction(0).optSeed(seed).build();
            SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
            int batch = Math.min(s.batchSize, n);
            float[] anchors = new float[batch * d];
            float[] neighbours = new float[batch * d];
            try (AdamOptimizer opt = new AdamOptimizer(adam, head.manager)) {
                for (int epoch = 0; epoch < epochs; epoch++) {
                    int[] order = Shuffle.permutation(n, random::nextInt);
                    for (int start = 0; start < n; start += batch) {
                        int b = Math.min(batch, n - start);
                        for (int i = 0; i < b; i++) {
                            int r = order[start + i];
                            int j = nbr[r * s.neighbours + random.nextInt(s.neighbours)];
                            System.arraycopy(x, r * d, anchors, i * d, d);
                            System.arraycopy(x, j * d, neighbours, i * d, d);
                        }
                        float value = step(head, opt, anchors, neighbours, b);
                        if (!Float.isFinite(value)) {
                            throw new BottleneckException("SCAN diverged: the loss became " + value + " in epoch "
                                    + (epoch + 1) + " of head " + (headIndex + 1) + " (try a lower learning rate)");
                        }
                    }
                    s.progress.accept(++epochsDone);
                    if (s.stop.getAsBoolean()) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** One Adam step on b anchors and one sampled neighbour of each; returns the batch loss. */
        private float step(Head head, AdamOptimizer opt, float[] anchors, float[] neighbours, int b) {
            try (NDManager step = head.manager.newSubManager()) {
                NDArray xa = step.create(Arrays.copyOf(anchors, b * d), new Shape(b, d));
                NDArray xn = step.create(Arrays.copyOf(neighbours, b * d), new Shape(b, d));
                NDArray loss;
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    NDArray pa = head.logits(xa).softmax(1);
                    NDArray pn = head.logits(xn).softmax(1);
                    NDArray consistency = pa.mul(pn).sum(new int[] {1}).maximum(1e-8f).log().neg().mean();
                    NDArray mean = pa.mean(new int[] {0});
                    NDArray negEntropy = mean.mul(mean.maximum(1e-8f).log()).sum();
                    loss = consistency.add(negEntropy.mul((float) s.entropyWeight));
                    gc.backward(loss);
                }
                opt.update(head.params, s.learningRate, step);
                return loss.getFloat();
            }
        }
    }

    /**
     * The loss of probabilities p (n × k) over every row and every one of its neighbours: {total,
     * consistency, entropy of the mean probabilities}.
     */
    private double[] loss(float[] p, int[] nbr, int n) {
        int k = s.k;
        double consistency = 0;
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                mean[c] += p[i * k + c] / (double) n;
            }
            for (int t = 0; t < s.neighbours; t++) {
                int j = nbr[i * s.neighbours + t];
                double dot = 0;
                for (int c = 0; c < k; c++) {
                    dot += (double) p[i * k + c] * p[j * k + c];
                }
                consistency -= Math.log(Math.max(dot, 1e-8));
            }
        }
        consistency /= (double) n * s.neighbours;
        double entropy = 0;
        for (double m : mean) {
            entropy -= m * Math.log(Math.max(m, 1e-8));
        }
        return new double[] {consistency - s.entropyWeight * entropy, consistency, entropy};
    }

    /** Each row's neighbours with the row itself left out (n × neighbours, row-major). */
    static int[] withoutSelf(NearestRows.Graph g, int neighbours) {
        int n = g.rows();
        int[] out = new int[n * neighbours];
        for (int i = 0; i < n; i++) {
            int w = 0;
            for (int t = 0; t < g.k() && w < neighbours; t++) {
                int j = g.indices()[i * g.k() + t];
                // a duplicate of row i may come first, so skip i itself wherever it is; if it is not
                // among the k + 1 at all, the first k are kept
                if (j != i) {
                    out[i * neighbours + w++] = j;
                }
            }
        }
        return out;
    }

    /**
     * The clustering network: one hidden ReLU layer, then k logits. Weights start as PyTorch's
     * nn.Linear does (uniform in ±1/√fan_in), drawn by the engine from the head's seed.
     */
    private static final class Head {
        final NDManager manager;
        final Map<String, Parameter> params = new LinkedHashMap<>();
        private final NDArray w1;
        private final NDArray b1;
        private final NDArray w2;
        private final NDArray b2;

        Head(NDManager manager, int d, int hidden, int k, long seed) {
            this.manager = manager;
            Engines.seed(seed);
            w1 = uniform("hidden.weight", d, new Shape(d, hidden));
            b1 = uniform("hidden.bias", d, new Shape(hidden));
            w2 = uniform("clusters.weight", hidden, new Shape(hidden, k));
            b2 = uniform("clusters.bias", hidden, new Shape(k));
        }

        private NDArray uniform(String name, int fanIn, Shape shape) {
            float bound = (float) (1 / Math.sqrt(fanIn));
            NDArray a = manager.randomUniform(-bound, bound, shape);
            params.put(name, TargetTraining.trainable(name, a));
            return a;
        }

        NDArray logits(NDArray x) {
            return x.matMul(w1).add(b1).maximum(0f).matMul(w2).add(b2);
        }

        /** Probabilities of all n rows (n × k, row-major), in chunks so the graph never holds them all. */
        float[] probabilities(float[] x, int n, int d) {
            int k = (int) b2.getShape().get(0);
            float[] out = new float[n * k];
            int chunk = 8192;
            for (int start = 0; start < n; start += chunk) {
                int c = Math.min(chunk, n - start);
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray xs = scratch.create(Arrays.copyOfRange(x, start * d, (start + c) * d), new Shape(c, d));
                    NDArray p = logits(xs).softmax(1);
                    System.arraycopy(p.toFloatArray(), 0, out, start * k, c * k);
                }
            }
            return out;
        }
    }

    /**
     * DJL-style builder: {@code setK} is required; the rest default to SCAN's choices (20
     * neighbours, entropy weight 5) and to what trained well on Fashion-MNIST's embedding (30
     * epochs of 512 rows, Adam at 1e-3, 128 hidden units; 20 heads screened after 5 epochs, 4 finished).
     */
    public static final class Builder {
        private int k;
        private int neighbours = 20;
        private double entropyWeight = 5;
        private int heads = 20;
        private int survivors = 4;
        private int screenEpochs = 5;
        private int epochs = 30;
        private int batchSize = 512;
        private int hidden = 128;
        private double learningRate = 1e-3;
        private long seed;
        private IntConsumer progress = e -> { };
        private BooleanSupplier stop = () -> false;

        public Builder setK(int v) { k = v; return this; }
        /** Nearest neighbours each row is pulled towards (default 20). */
        public Builder optNeighbours(int v) { neighbours = v; return this; }
        /** Weight of the equal-size prior (default 5; 0 lets clusters take any size). */
        public Builder optEntropyWeight(double v) { entropyWeight = v; return this; }
        /** Heads started from different seeds (default 20); the lowest-loss one is kept. */
        public Builder optHeads(int v) { heads = v; return this; }
        /** Heads with the lowest loss after screening that are trained to the end (default 4; ≥ heads: no screening). */
        public Builder optSurvivors(int v) { survivors = v; return this; }
        /** Epochs every head is trained before the screening (default 5). */
        public Builder optScreenEpochs(int v) { screenEpochs = v; return this; }
        /** Passes over the rows per head (default 30). */
        public Builder optEpochs(int v) { epochs = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optHidden(int v) { hidden = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Told the number of finished epochs, counted over all heads, after each one. */
        public Builder optProgress(IntConsumer p) { progress = p; return this; }
        /** Asked after each epoch; true ends training there (Ctrl-C) and keeps the best head so far. */
        public Builder optStopWhen(BooleanSupplier v) { stop = v; return this; }

        public Scan build() {
            if (k < 2) {
                throw new BottleneckException("SCAN needs k (the number of clusters) of 2 or more, got " + k);
            }
            if (neighbours < 1 || heads < 1 || survivors < 1 || screenEpochs < 1 || epochs < 1 || batchSize < 2
                    || hidden < 1) {
                throw new BottleneckException("SCAN needs at least 1 neighbour, 1 head, 1 survivor, 1 screening epoch,"
                        + " 1 epoch, batches of 2 rows and 1 hidden unit, got " + neighbours + ", " + heads + ", "
                        + survivors + ", " + screenEpochs + ", " + epochs + ", " + batchSize + " and " + hidden);
            }
            if (!(entropyWeight >= 0) || !(learningRate > 0)) {
                throw new BottleneckException("SCAN needs an entropy weight >= 0 and a learning rate > 0, got "
                        + entropyWeight + " and " + learningRate);
            }
            return new Scan(this);
        }
    }
}

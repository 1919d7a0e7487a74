package dev.bottleneck.manifold;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.cluster.Pca;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.neighbours.NearestRows;

import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * UMAP (McInnes, Healy &amp; Melville 2018): a low-dimensional embedding whose fuzzy
 * neighbour graph matches the data's. Used by the N2D clusterer (UMAP on an autoencoder's codes,
 * then a Gaussian mixture), and on its own for 2-D maps of codes.
 *
 * <p>The steps follow umap-learn: exact k nearest neighbours on the engine ({@link NearestRows}),
 * the fuzzy simplicial set ({@link FuzzyGraph}), the a/b curve for {@code minDist}
 * ({@link UmapCurve}), then SGD with negative sampling ({@link UmapLayout}). Two choices differ:
 * the neighbour search is exact rather than NN-descent (one matrix product per chunk; the cost grows
 * with n²; N2D's steps after the autoencoder, UMAP included, took about 145 s for 70,000 codes on
 * 2 cores), and the start is the data's principal components scaled to ±10
 * (umap-learn's {@code init="pca"}) rather than a spectral embedding, which needs a sparse
 * eigensolver the engine lacks.
 *
 * <p>DJL-style builder; the defaults are umap-learn's (15 neighbours, 2 components, min_dist 0.1,
 * 200 epochs above 10,000 rows and 500 below, 5 negative samples, learning rate 1).
 */
public final class Umap {
    private final Settings s;

    /** The settings of a run, as validated by the builder. */
    record Settings(int neighbours, int components, double minDist, double spread, int epochs, int negativeRate,
            double learningRate, double repulsion, long seed) {}

    private final IntConsumer progress;
    private final BooleanSupplier stop;

    private Umap(Settings s, IntConsumer progress, BooleanSupplier stop) {
        this.s = s;
        this.progress = progress;
        this.stop = stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The embedding of {@code rows} (n × components). */
    public float[][] fit(float[][] rows) {
        int n = rows.length;
        if (n <= s.components() + 1) {
            throw new BottleneckException("UMAP into " + s.components() + " dimensions needs more than "
                    + (s.components() + 1) + " rows, got " + n);
        }
        int d = rows[0].length;
        float[] flat = Table.of(rows).values(); // refuses ragged rows, naming the first
        int k = Math.min(s.neighbours(), n);
        NearestRows.Graph knn;
        try (NDManager manager = Engines.newManager(Device.cpu())) {
            knn = NearestRows.graph(manager, flat, d, k);
        }
        FuzzyGraph graph = FuzzyGraph.of(knn);
        int epochs = s.epochs() > 0 ? s.epochs() : n > 10_000 ? 200 : 500;
        int dim = s.components();
        float[] embedding = start(rows, dim);
        UmapLayout.optimise(graph, embedding, dim, UmapCurve.fit(s.minDist(), s.spread()), epochs, s, progress, stop);
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(embedding, i * dim, out[i], 0, dim);
        }
        return out;
    }

    /** The principal components, scaled so the largest |coordinate| is 10, plus seeded noise of 1e-4. */
    private float[] start(float[][] rows, int dim) {
        int pcs = Math.min(dim, rows[0].length);
        float[][] pc = Pca.builder().optComponents(pcs).build().fit(rows).transform(rows);
        double max = 0;
        for (float[] r : pc) {
            for (float v : r) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double scale = max > 0 ? 10 / max : 1;
        SplittableRandom random = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < dim; c++) {
                double base = c < pcs ? pc[i][c] * scale : 0;
                out[i * dim + c] = (float) (base + 1e-4 * random.nextGaussian());
            }
        }
        return out;
    }

    /** DJL-style builder: everything optional, checked at {@link #build()}. */
    public static final class Builder {
        private int neighbours = 15;
        private int components = 2;
        private double minDist = 0.1;
        private double spread = 1.0;
        private int epochs;
        private int negativeRate = 5;
        private double learningRate = 1.0;
        private double repulsion = 1.0;
        private long seed;
        private IntConsumer progress = e -> { };
        private BooleanSupplier stop = () -> false;

        /** Neighbours per row in the graph, the row itself counted (default 15). */
        public Builder optNeighbours(int v) { neighbours = v; return this; }
        /** Dimensions of the embedding (default 2). */
        public Builder optComponents(int v) { components = v; return this; }
        /** How tightly points may pack (default 0.1; 0 for clustering, as N2D does). */
        public Builder optMinDist(double v) { minDist = v; return this; }
        public Builder optSpread(double v) { spread = v; return this; }
        /** SGD epochs (0 = umap-learn's rule: 200 above 10,000 rows, else 500). */
        public Builder optEpochs(int v) { epochs = v; return this; }
        /** Negative samples per positive one (default 5). */
        public Builder optNegativeSampleRate(int v) { negativeRate = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        /** Weight of the repulsion from negative samples (default 1). */
        public Builder optRepulsionStrength(double v) { repulsion = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** Told the number of finished epochs after each one. */
        public Builder optProgress(IntConsumer p) { progress = p; return this; }
        /** Asked after each epoch; true ends the layout there (Ctrl-C), keeping the embedding so far. */
        public Builder optStopWhen(BooleanSupplier v) { stop = v; return this; }

        public Umap build() {
            if (neighbours < 2) {
                throw new BottleneckException("UMAP needs at least 2 neighbours per row (the row itself and one more), got " + neighbours);
            }
            if (components < 1) {
                throw new BottleneckException("UMAP components must be 1 or more, got " + components);
            }
            if (!(spread > 0) || !(minDist >= 0) || minDist > spread) {
                throw new BottleneckException("UMAP needs spread > 0 and 0 <= min_dist <= spread, got spread " + spread
                        + " and min_dist " + minDist);
            }
            if (epochs < 0 || negativeRate < 1 || !(learningRate > 0) || !(repulsion >= 0)) {
                throw new BottleneckException("UMAP needs epochs >= 0, negative samples >= 1, learning rate > 0 and"
                        + " repulsion >= 0, got " + epochs + ", " + negativeRate + ", " + learningRate + ", " + repulsion);
            }
            return new Umap(new Settings(neighbours, components, minDist, spread, epochs, negativeRate, learningRate,
                    repulsion, seed), progress, stop);
        }
    }
}

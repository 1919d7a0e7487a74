package dev.bottleneck.cluster;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.ActivationSpec;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.manifold.Umap;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;

import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * Finds k clusters in a table's rows with one of the {@link ClusterMethod}s: the one entry point
 * the CLI and the benchmark use. Every method ends in (or starts from) seeded k-means with
 * restarts on some representation of the rows; the same seed gives the same clusters.
 *
 * <p>Rows are scaled first (standardised for tables, as-is for images, whose pixels are already
 * in [0, 1]) so that every method sees the same input.
 */
public final class Clusterer {
    private final Builder s;

    private Clusterer(Builder b) {
        this.s = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ClusteringResult fit(Table data) {
        if (data.rows() < s.k) {
            throw new BottleneckException("k = " + s.k + " clusters need at least " + s.k + " rows, but "
                    + describe(data) + " has " + data.rows());
        }
        long t0 = System.nanoTime();
        ScalerKind kind = scalerFor(data);
        ClusteringResult r = switch (s.method) {
            case KMEANS -> onCodes(s.method, rows(Scaler.fit(kind, data).transform(data)), null, t0);
            case PCA -> {
                float[][] x = rows(Scaler.fit(kind, data).transform(data));
                Pca pca = s.components > 0 ? Pca.builder().optComponents(Math.min(s.components, data.cols())).build()
                        : Pca.builder().optVarianceToKeep(s.varianceToKeep).build();
                yield onCodes(s.method, pca.fit(x).transform(x), null, t0);
            }
            case AE -> {
                Autoencoder ae = Autoencoder.builder()
                        .setArchitecture(new DenseSpec(data.cols(), List.of(), s.latent, s.activation, false, 0, output(data)))
                        .optBottleneck(new ActivationSpec(s.activation)).optScaler(kind).optFamily("plain")
                        .optSeed(s.seed).build();
                try (ae) {
                    Trainer.builder().setConfig(training(s.epochs)).optListener(s.listener).optStopSignal(s.stop)
                            .build().fit(ae, data);
                    yield onCodes(s.method, ae.encode(data), null, t0);
                }
            }
            case STACKED_AE, DEC, N2D, SCAN -> {
                StackedAutoencoder.Fit fit = stacked(data, kind).fit(data);
                try (Autoencoder model = fit.model()) {
                    yield switch (s.method) {
                        case STACKED_AE -> onCodes(s.method, model.encode(data), null, t0);
                        case N2D, SCAN -> manifold(model.encode(data), t0);
                        default -> deep(model, data, false, t0);
                    };
                }
            }
            case DEPICT -> {
                int[] shape = data.imageShape().orElseThrow(() -> new BottleneckException("the depict method trains a"
                        + " convolutional autoencoder, so it needs images (an IDX file), but " + describe(data)
                        + " is a table; use stacked-ae or dec"));
                ConvSpec spec = new ConvSpec(shape[0], shape[1], shape[2], s.filters, 3, 2, s.latent, Activation.RELU,
                        false, Activation.SIGMOID);
                try (Autoencoder conv = Autoencoder.builder().setArchitecture(spec).optScaler(ScalerKind.NONE)
                        .optSeed(s.seed).build()) {
                    Trainer.builder().setConfig(training(s.epochs)).optListener(s.listener).optStopSignal(s.stop)
                            .build().fit(conv, data);
                    yield deep(conv, data, true, t0);
                }
            }
        };
        return r;
    }

    private ClusteringResult onCodes(ClusterMethod method, float[][] codes, DeepClusteringResult deep, long t0) {
        KMeansResult km = kmeans(codes);
        return new ClusteringResult(method, km.assignments(), codes, km, deep, null, null, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * N2D ("not too deep", McConville et al. 2020): UMAP of the autoencoder's codes into a few
     * dimensions (k unless set; min_dist 0 so clusters pack tightly), then a Gaussian mixture
     * started from k-means there; or, for SCAN, {@link Scan}'s neighbour-consistency clustering
     * with an equal-size prior on that same embedding. The result's k-means is the one on the codes
     * themselves, so AE + k-means and the manifold method from the same autoencoder are reported
     * side by side.
     */
    private ClusteringResult manifold(float[][] codes, long t0) {
        KMeansResult onCodes = kmeans(codes);
        float[][] embedding = Umap.builder().optNeighbours(s.umapNeighbours)
                .optComponents(s.umapComponents > 0 ? s.umapComponents : s.k).optMinDist(s.umapMinDist)
                .optSeed(s.seed).optProgress(e -> s.progress.accept("UMAP epoch", e)).optStopWhen(s.stop::isRequested)
                .build().fit(codes);
        if (s.method == ClusterMethod.SCAN) {
            ScanResult scan = scan().fit(embedding);
            return new ClusteringResult(ClusterMethod.SCAN, scan.assignments(), embedding, onCodes, null, null, scan,
                    (System.nanoTime() - t0) / 1e9);
        }
        KMeansResult onEmbedding = kmeans(embedding);
        GaussianMixtureResult mixture = GaussianMixture.builder().build().fit(embedding, onEmbedding);
        return new ClusteringResult(ClusterMethod.N2D, mixture.assignments(), embedding, onCodes, null, mixture, null,
                (System.nanoTime() - t0) / 1e9);
    }

    /** SCAN as set. */
    private Scan scan() {
        return Scan.builder().setK(s.k).optNeighbours(s.scanNeighbours).optEntropyWeight(s.scanEntropyWeight)
                .optHeads(s.scanHeads).optSurvivors(s.scanSurvivors).optEpochs(s.scanEpochs).optSeed(s.seed)
                .optProgress(e -> s.progress.accept("SCAN epoch", e)).optStopWhen(s.stop::isRequested).build();
    }

    private ClusteringResult deep(Autoencoder model, Table data, boolean depict, long t0) {
        float[] scaled = model.prepare(data);
        KMeansResult start = kmeans(model.encode(data));
        DeepClusteringConfig config = DeepClusteringConfig.builder().optUpdateInterval(s.updateInterval)
                .optTolerance(s.tolerance).optMaxIterations(s.maxIterations).optBatchSize(s.batchSize)
                .optLearningRate(s.deepLearningRate).optSeed(s.seed).build();
        java.util.function.IntConsumer steps = i -> s.progress.accept("step", i);
        DeepClusteringResult r = depict
                ? new Depict(config, s.reconstructionWeight).fit(model, scaled, data.rows(), start, s.stop, steps)
                : new Dec(config).fit(model, scaled, data.rows(), start, s.stop, steps);
        return new ClusteringResult(depict ? ClusterMethod.DEPICT : ClusterMethod.DEC, r.assignments(),
                model.encode(data), start, r, null, null, (System.nanoTime() - t0) / 1e9);
    }

    private KMeansResult kmeans(float[][] codes) {
        return KMeans.builder().setK(s.k).optRestarts(s.restarts).optSeed(s.seed).build().fit(codes);
    }

    private StackedAutoencoder stacked(Table data, ScalerKind kind) {
        List<Integer> widths = new java.util.ArrayList<>(s.hidden != null ? s.hidden
                : data.cols() >= 256 ? List.of(500, 500, 2000) : List.of(128, 64));
        widths.add(s.latent);
        return StackedAutoencoder.builder().setWidths(widths).setTraining(training(s.epochs))
                .optPretrainEpochs(s.pretrainEpochs).optActivation(s.activation).optOutput(output(data))
                .optScaler(kind).optListener(s.listener).build();
    }

    private TrainingConfig training(int epochs) {
        return TrainingConfig.builder().optEpochs(epochs).optBatchSize(s.batchSize).optLearningRate(s.learningRate)
                .optValidationFraction(0).optSeed(s.seed).build();
    }

    private ScalerKind scalerFor(Table data) {
        return s.scaler != null ? s.scaler : data.imageShape().isPresent() ? ScalerKind.NONE : ScalerKind.STANDARD;
    }

    /** Images (pixels in [0, 1]) are reconstructed through a sigmoid, standardised tables linearly. */
    private Activation output(Table data) {
        return scalerFor(data) == ScalerKind.NONE && data.imageShape().isPresent() ? Activation.SIGMOID : Activation.NONE;
    }

    private static float[][] rows(Table t) {
        float[][] out = new float[t.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.row(i);
        }
        return out;
    }

    private static String describe(Table t) {
        return t.source() == null ? "the data" : t.source();
    }

    /**
     * DJL-style builder: {@code setK} and {@code setMethod} are required; the rest have defaults
     * from the papers (DEC: layers 500-500-2000-10 for images, T = 140 steps, 0.1 % tolerance).
     */
    public static final class Builder {
        private int k;
        private ClusterMethod method;
        private long seed;
        private int restarts = 10;
        private int components;
        private double varianceToKeep = 0.9;
        private int latent = 10;
        private List<Integer> hidden;
        private List<Integer> filters = List.of(32, 64);
        private Activation activation = Activation.RELU;
        private ScalerKind scaler;
        private int epochs = 20;
        private int pretrainEpochs = 10;
        private int batchSize = 256;
        private double learningRate = 1e-3;
        private int updateInterval = 140;
        private double tolerance = 0.001;
        private int maxIterations = 20_000;
        private double deepLearningRate = 1e-4;
        private double reconstructionWeight = 1.0;
        private int umapNeighbours = 10;
        private int umapComponents;
        private double umapMinDist;
        private int scanNeighbours = 20;
        private int scanHeads = 20;
        private int scanSurvivors = 4;
        private int scanEpochs = 30;
        private double scanEntropyWeight = 5;
        private TrainingListener listener = TrainingListener.NONE;
        private StopSignal stop = new StopSignal();
        private ObjIntConsumer<String> progress = (what, i) -> { };

        public Builder setK(int v) { k = v; return this; }
        public Builder setMethod(ClusterMethod m) { method = m; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        /** k-means seedings tried (default 10). */
        public Builder optRestarts(int v) { restarts = v; return this; }
        /** PCA: a fixed number of components (0 = keep {@link #optVarianceToKeep}). */
        public Builder optComponents(int v) { components = v; return this; }
        public Builder optVarianceToKeep(double v) { varianceToKeep = v; return this; }
        /** Code width of the autoencoders (default 10). */
        public Builder optLatent(int v) { latent = v; return this; }
        /** Hidden widths of the stacked autoencoder (default 500, 500, 2000 for ≥ 256 columns, else 128, 64). */
        public Builder optHidden(List<Integer> v) { hidden = v; return this; }
        /** Feature maps of the convolutional autoencoder (DEPICT), default 32, 64. */
        public Builder optFilters(List<Integer> v) { filters = v; return this; }
        public Builder optActivation(Activation a) { activation = a; return this; }
        /** How rows are scaled (default: standard for tables, none for images). */
        public Builder optScaler(ScalerKind kind) { scaler = kind; return this; }
        /** Autoencoder training epochs (fine-tuning for the stacked one), default 20. */
        public Builder optEpochs(int v) { epochs = v; return this; }
        /** Greedy pre-training epochs per layer of the stacked autoencoder (0 = none), default 10. */
        public Builder optPretrainEpochs(int v) { pretrainEpochs = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        /** DEC / DEPICT: steps between target updates (default 140). */
        public Builder optUpdateInterval(int v) { updateInterval = v; return this; }
        /** DEC / DEPICT: stop when fewer than this share of rows change cluster (default 0.001). */
        public Builder optTolerance(double v) { tolerance = v; return this; }
        /** DEC / DEPICT: at most this many steps (default 20,000). */
        public Builder optMaxIterations(int v) { maxIterations = v; return this; }
        /** DEC / DEPICT: Adam's learning rate (default 1e-4). */
        public Builder optDeepLearningRate(double v) { deepLearningRate = v; return this; }
        /** DEPICT: weight of the reconstruction loss (default 1). */
        public Builder optReconstructionWeight(double v) { reconstructionWeight = v; return this; }
        /** N2D: neighbours of UMAP's graph, the row itself counted (default 10, as N2D). */
        public Builder optUmapNeighbours(int v) { umapNeighbours = v; return this; }
        /** N2D: dimensions of the UMAP embedding (0 = k, as N2D). */
        public Builder optUmapComponents(int v) { umapComponents = v; return this; }
        /** N2D: UMAP's min_dist (default 0, as N2D). */
        public Builder optUmapMinDist(double v) { umapMinDist = v; return this; }
        /** SCAN: nearest neighbours in the UMAP embedding each row is pulled towards (default 20, as SCAN). */
        public Builder optScanNeighbours(int v) { scanNeighbours = v; return this; }
        /** SCAN: heads started from different seeds (default 20); the lowest-loss one is kept. */
        public Builder optScanHeads(int v) { scanHeads = v; return this; }
        /** SCAN: heads with the lowest loss after 5 epochs that are trained to the end (default 4). */
        public Builder optScanSurvivors(int v) { scanSurvivors = v; return this; }
        /** SCAN: epochs per head (default 30). */
        public Builder optScanEpochs(int v) { scanEpochs = v; return this; }
        /** SCAN: weight of the equal-size prior (default 5, as SCAN; 0 = clusters of any size). */
        public Builder optScanEntropyWeight(double v) { scanEntropyWeight = v; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        public Builder optStopSignal(StopSignal v) { stop = v; return this; }
        /**
         * Told what is counted and how many are done: DEC / DEPICT's "step" after each step, N2D's and
         * SCAN's "UMAP epoch", then SCAN's "SCAN epoch" (counted over all its heads).
         */
        public Builder optProgress(ObjIntConsumer<String> p) { progress = p; return this; }

        public Clusterer build() {
            if (method == null) {
                throw new BottleneckException("a clustering method must be set (one of kmeans, pca, ae, stacked-ae, dec, depict, n2d, scan)");
            }
            if (k < 2) {
                throw new BottleneckException("k (the number of clusters) must be 2 or more, got " + k);
            }
            if (restarts < 1) {
                throw new BottleneckException("k-means restarts must be 1 or more, got " + restarts);
            }
            if (latent < 1) {
                throw new BottleneckException("the code width must be 1 or more, got " + latent);
            }
            if (epochs < 1) {
                throw new BottleneckException("epochs must be 1 or more, got " + epochs);
            }
            if (components < 0) {
                throw new BottleneckException("PCA components must be 0 (keep a share of variance) or more, got " + components);
            }
            // the deep settings are checked here too, so a bad one fails before any training
            DeepClusteringConfig.builder().optUpdateInterval(updateInterval).optTolerance(tolerance)
                    .optMaxIterations(maxIterations).optBatchSize(batchSize).optLearningRate(deepLearningRate).build();
            Pca.builder().optVarianceToKeep(varianceToKeep).build();
            if (umapComponents < 0) {
                throw new BottleneckException("UMAP components must be 0 (as many as clusters) or more, got " + umapComponents);
            }
            Umap.builder().optNeighbours(umapNeighbours).optMinDist(umapMinDist).build();
            Scan.builder().setK(k).optNeighbours(scanNeighbours).optHeads(scanHeads).optSurvivors(scanSurvivors)
                    .optEpochs(scanEpochs).optEntropyWeight(scanEntropyWeight).build();
            return new Clusterer(this);
        }
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.cluster.ClusterMethod;
import dev.bottleneck.cluster.Clusterer;
import dev.bottleneck.cluster.ClusteringResult;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.PixelTable;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TiffImage;
import dev.bottleneck.data.TiffReader;
import dev.bottleneck.train.StopSignal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Find k clusters in --data (CSV, IDX images or a multispectral TIFF scene) and write DIR/assignments.csv"
                + " (a 'cluster' column, one row per input row, the --label column last), DIR/metrics.json (ACC, NMI, ARI"
                + " against the labels when there are any; silhouette, Calinski-Harabasz, Davies-Bouldin always),"
                + " scatter PNGs of the codes coloured by cluster and by label, and for a TIFF scene DIR/map.png"
                + " (the cluster map beside the ground truth).",
                "Methods: kmeans (on the scaled rows), pca (90 % of the variance, or --components), ae (one hidden layer),"
                        + " stacked-ae (greedy pre-training + fine-tuning, default), dec (DEC from the stacked AE),"
                        + " depict (DEPICT-style, convolutional AE; images only), n2d (UMAP of the stacked AE's code,"
                        + " then a Gaussian mixture), scan (UMAP of the stacked AE's code, then SCAN's neighbour-consistency"
                        + " clustering with an equal-size prior)."})
final class ClusterCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV (header required, .gz ok), IDX images (labels read from the file beside them) or an"
                    + " uncompressed 8-bit TIFF scene (one row per pixel).")
    Path data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "CSV column kept out of the features and used to evaluate the clusters.")
    String label;

    @Option(names = "--truth", paramLabel = "TIFF", description = "Label raster of a TIFF scene (0 = unlabelled), for the map and the metrics.")
    Path truth;

    @Option(names = "--neighbourhood", defaultValue = "1", paramLabel = "W",
            description = "TIFF scenes: cluster each pixel with its W × W neighbourhood (1 or 3; default 1).")
    int neighbourhood;

    @Option(names = "--k", required = true, paramLabel = "K", description = "Number of clusters, 2 up to the number of rows.")
    int k;

    @Option(names = "--method", defaultValue = "stacked-ae", paramLabel = "NAME",
            description = "kmeans, pca, ae, stacked-ae (default), dec, depict, n2d or scan.")
    String method;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of k-means, initialisation and shuffling.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the outputs (created; files in it are replaced).")
    Path out;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use only the first N rows (0 = all).")
    int limit;

    @Option(names = "--restarts", defaultValue = "10", paramLabel = "N", description = "k-means seedings tried (default 10).")
    int restarts;

    @Option(names = "--components", defaultValue = "0", paramLabel = "N", description = "pca: keep N components (default: 90 % of the variance).")
    int components;

    @Option(names = "--latent", defaultValue = "10", paramLabel = "N", description = "Code width of the autoencoders (default 10).")
    int latent;

    @Option(names = "--layers", split = ",", paramLabel = "W,W,...",
            description = "Hidden widths of the stacked AE (default 500,500,2000 for ≥ 256 columns, else 128,64).")
    List<Integer> layers;

    @Option(names = "--epochs", defaultValue = "20", paramLabel = "N", description = "Autoencoder training epochs (default 20).")
    int epochs;

    @Option(names = "--pretrain-epochs", defaultValue = "10", paramLabel = "N",
            description = "Greedy pre-training epochs per layer of the stacked AE (0 = none; default 10).")
    int pretrainEpochs;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N", description = "Rows per step (default 256).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Autoencoder learning rate (default 0.001).")
    double lr;

    @Option(names = "--deep-lr", defaultValue = "0.0001", paramLabel = "RATE", description = "dec/depict learning rate (default 0.0001).")
    double deepLr;

    @Option(names = "--update-interval", defaultValue = "140", paramLabel = "T", description = "dec/depict: steps between target updates (default 140).")
    int updateInterval;

    @Option(names = "--tolerance", defaultValue = "0.001", paramLabel = "SHARE",
            description = "dec/depict: stop when fewer than this share of rows change cluster (default 0.001).")
    double tolerance;

    @Option(names = "--max-iterations", defaultValue = "20000", paramLabel = "N", description = "dec/depict: steps at most (default 20000).")
    int maxIterations;

    @Option(names = "--reconstruction-weight", defaultValue = "1", paramLabel = "W", description = "depict: weight of the reconstruction loss (default 1).")
    double reconstructionWeight;

    @Option(names = "--umap-neighbours", defaultValue = "10", paramLabel = "N",
            description = "n2d/scan: neighbours of UMAP's graph, the row itself counted (default 10).")
    int umapNeighbours;

    @Option(names = "--umap-components", defaultValue = "0", paramLabel = "N",
            description = "n2d/scan: dimensions of the UMAP embedding (default 0: as many as clusters).")
    int umapComponents;

    @Option(names = "--umap-min-dist", defaultValue = "0", paramLabel = "D", description = "n2d/scan: UMAP's min_dist (default 0).")
    double umapMinDist;

    @Option(names = "--scan-neighbours", defaultValue = "20", paramLabel = "N",
            description = "scan: nearest neighbours in the UMAP embedding each row is pulled towards (default 20).")
    int scanNeighbours;

    @Option(names = "--scan-heads", defaultValue = "20", paramLabel = "N",
            description = "scan: heads started from different seeds, screened after 5 epochs (default 20).")
    int scanHeads;

    @Option(names = "--scan-survivors", defaultValue = "4", paramLabel = "N",
            description = "scan: heads with the lowest loss at the screening trained to the end; the lowest-loss one is kept"
                    + " (default 4).")
    int scanSurvivors;

    @Option(names = "--scan-epochs", defaultValue = "30", paramLabel = "N", description = "scan: epochs per head (default 30).")
    int scanEpochs;

    @Option(names = "--scan-entropy-weight", defaultValue = "5", paramLabel = "W",
            description = "scan: weight of the equal-size prior (default 5; 0 lets clusters take any size).")
    double scanEntropyWeight;

    @Override
    public void run() {
        ClusterMethod m = usage(() -> ClusterMethod.parse(method));
        // Ctrl-C during DEC / DEPICT ends the loop early and the outputs are still written
        StopSignal stop = new StopSignal(true);
        if (k < 2) {
            throw usageError("--k must be 2 or more (the number of clusters), got " + k);
        }
        if (limit < 0) {
            throw usageError("--limit must be 0 (all rows) or more, got " + limit);
        }
        if (truth != null && !TiffReader.isTiff(data)) {
            throw usageError("--truth is a label raster for a TIFF scene, but --data " + data + " is not a .tif file");
        }
        Clusterer clusterer = usage(() -> Clusterer.builder().setK(k).setMethod(m).optSeed(seed).optRestarts(restarts)
                .optComponents(components).optLatent(latent).optHidden(layers).optEpochs(epochs)
                .optPretrainEpochs(pretrainEpochs).optBatchSize(batchSize).optLearningRate(lr)
                .optDeepLearningRate(deepLr).optUpdateInterval(updateInterval).optTolerance(tolerance)
                .optMaxIterations(maxIterations).optReconstructionWeight(reconstructionWeight)
                .optUmapNeighbours(umapNeighbours).optUmapComponents(umapComponents).optUmapMinDist(umapMinDist)
                .optScanNeighbours(scanNeighbours).optScanHeads(scanHeads).optScanSurvivors(scanSurvivors).optScanEpochs(scanEpochs)
                .optScanEntropyWeight(scanEntropyWeight)
                .optListener(new ConsoleProgress()).optStopSignal(stop)
                .optProgress((what, count) -> {
                    int every = switch (what) {
                        case "UMAP epoch" -> 50;
                        case "SCAN epoch" -> 10;
                        default -> 500;
                    };
                    if (count % every == 0) {
                        System.err.printf(Locale.ROOT, "%s: %s %d%n", m.id(), what, count);
                    }
                }).build());
        TiffImage scene = null;
        Table table;
        if (TiffReader.isTiff(data)) {
            scene = TiffReader.read(data);
            TiffImage labels = truth == null ? null : TiffReader.read(truth);
            TiffImage image = scene;
            table = usage(() -> PixelTable.of(image, neighbourhood, labels));
        } else if (DataSources.isIdxImages(data) && limit > 0) {
            Path labels = DataSources.labelsBeside(data);
            table = IdxReader.readImages(data, labels != null && Files.isRegularFile(labels) ? labels : null, limit);
        } else {
            table = DataSources.load(data, label, ImputePolicy.REJECT);
        }
        if (limit > 0 && table.rows() > limit) {
            table = table.select(java.util.stream.IntStream.range(0, limit).toArray());
        }
        if (k > table.rows()) {
            throw usageError("--k " + k + " is more clusters than the " + table.rows() + " rows of " + data);
        }
        if (m == ClusterMethod.DEPICT && table.imageShape().isEmpty()) {
            throw usageError("--method depict trains a convolutional autoencoder and needs images (an IDX file), but "
                    + data + " is a table; use stacked-ae or dec");
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new BottleneckException("could not create the output directory " + out + " (" + e.getMessage() + ")", e);
        }
        System.err.printf(Locale.ROOT, "clustering %s: %d rows × %d columns into %d clusters with %s (seed %d)%n",
                data, table.rows(), table.cols(), k, m.id(), seed);
        stop.installShutdownHook(60);
        try {
            ClusteringResult result = clusterer.fit(table);
            ClusterOutputs.write(out, table, result, scene, seed);
        } catch (dev.bottleneck.train.TrainingInterruptedException e) {
            System.err.println("bottleneck: " + e.getMessage());
            throw e;
        } finally {
            stop.markFinished();
        }
    }

    private CommandLine.ParameterException usageError(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Runs a validation whose BottleneckException is a usage error (exit 2). */
    private <T> T usage(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (BottleneckException e) {
            throw usageError(e.getMessage());
        }
    }
}

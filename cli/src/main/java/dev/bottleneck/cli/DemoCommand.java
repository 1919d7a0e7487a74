package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.plot.Histogram;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a conv autoencoder on Fashion-MNIST (Debian package dataset-fashion-mnist) and write pictures:",
                "originals above reconstructions, the loss curve, the score histogram. Without the package, a dense",
                "autoencoder on the WDBC table shipped in datasets/ instead."})
final class DemoCommand implements Runnable {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @Option(names = "--out", defaultValue = "demo-output", description = "Directory for the model and pictures (replaced).")
    Path out;

    @Option(names = "--epochs", description = "Epochs (default 3 for Fashion-MNIST, 30 for the table).")
    Integer epochs;

    @Option(names = "--limit", defaultValue = "0", description = "Use only the first N training images (0 = all 60,000).")
    int limit;

    @Option(names = "--fashion-dir", paramLabel = "DIR", description = "Where the Fashion-MNIST IDX files are (default " + "/usr/share/datasets/fashion-mnist).")
    Path fashionDir = FASHION;

    @Option(names = "--datasets", paramLabel = "DIR", description = "The repository's datasets/ folder (default: $BOTTLENECK_HOME/datasets or ./datasets).")
    Path datasets;

    @Option(names = "--tabular", description = "Run the tabular demo even when Fashion-MNIST is installed.")
    boolean tabular;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Override
    public void run() {
        Path train = fashionDir.resolve("train-images-idx3-ubyte.gz");
        if (!tabular && Files.isRegularFile(train)) {
            images(train, fashionDir.resolve("t10k-images-idx3-ubyte.gz"));
        } else {
            if (!tabular) {
                System.err.println("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); running the tabular demo.");
            }
            table();
        }
    }

    private void images(Path trainFile, Path testFile) {
        Table train = IdxReader.readImages(trainFile, DataSources.labelsBeside(trainFile), limit);
        Table test = IdxReader.readImages(testFile, DataSources.labelsBeside(testFile), 0);
        int e = epochs != null ? epochs : 3;
        System.err.printf("demo: conv autoencoder (1→32→64 conv, 32-d code) on %d Fashion-MNIST images, %d epochs%n", train.rows(), e);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(e).optBatchSize(128).optLearningRate(1e-3).optSeed(seed)
                .optValidationFraction(0.05).build();
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(new ConvSpec(1, 28, 28, List.of(32, 64), 3, 2, 32, null, false, null))
                .optSeed(seed).optDevice(Engines.device("auto")).build()) {
            TrainingResult r = Trainer.builder().setConfig(cfg).optListener(new ConsoleProgress()).build().fit(m, train);
            double[] scores = m.score(test);
            double mse = mean(scores);
            write(m, r, test, scores, String.format("test MSE %.5f (pixels in [0, 1])", mse));
            System.out.printf("Fashion-MNIST test MSE after %d epochs: %.5f (%d test images)%n", e, mse, test.rows());
        }
    }

    private void table() {
        Path home = datasets != null ? datasets
                : System.getenv("BOTTLENECK_HOME") != null ? Path.of(System.getenv("BOTTLENECK_HOME"), "datasets") : Path.of("datasets");
        Path csv = home.resolve("wdbc/wdbc.csv.gz");
        if (!Files.isRegularFile(csv)) {
            throw new BottleneckException("the demo data " + csv + " is missing (run from the repository root or pass --datasets)");
        }
        Table data = DataSources.load(csv, "label", ImputePolicy.REJECT);
        int e = epochs != null ? epochs : 30;
        System.err.printf("demo: dense autoencoder (30→64→32→8) on %s, %d rows, %d epochs%n", csv, data.rows(), e);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(e).optBatchSize(32).optSeed(seed).build();
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(new DenseSpec(data.cols(), List.of(64, 32), 8, null, false, 0, null))
                .optSeed(seed).build()) {
            TrainingResult r = Trainer.builder().setConfig(cfg).optListener(new ConsoleProgress()).build().fit(m, data);
            double[] scores = m.score(data);
            write(m, r, data, scores, "reconstruction error; label 1 = outlier");
            System.out.printf("WDBC: mean score of outliers %.3f vs inliers %.3f%n", meanWhere(scores, data, "1"), meanWhere(scores, data, "0"));
        }
    }

    private void write(Autoencoder m, TrainingResult r, Table shown, double[] scores, String note) {
        AtomicFiles.writeDirectory(out, true, dir -> {
            ModelOutputs.writeHistory(dir.resolve("history.jsonl"), r.history());
            ModelOutputs.lossCurve(dir.resolve("loss.png"), r.history());
            if (shown.imageShape().isPresent()) {
                ModelOutputs.reconstructions(dir.resolve("reconstructions.png"), m, shown, 16);
            }
            Histogram.write(dir.resolve("scores.png"), "Scores: " + note, scores, 50, OptionalDouble.empty());
        });
        m.save(out.resolve("model"), true);
        System.out.println("pictures written to " + out.toAbsolutePath() + ":");
        if (shown.imageShape().isPresent()) {
            System.out.println("  reconstructions.png  originals (top) above reconstructions (bottom)");
        }
        System.out.println("  loss.png             training and validation loss by epoch");
        System.out.println("  scores.png           histogram of per-row reconstruction error");
        System.out.println("  model/               the trained model (bottleneck info --model " + out.resolve("model") + ")");
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    private static double meanWhere(double[] a, Table t, String label) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (label.equals(t.label(i))) {
                s += a[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}

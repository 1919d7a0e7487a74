package dev.bottleneck.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SaeTrainer;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.model.ArchitectureSpec;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ConvSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The workloads of {@code bench/perf.sh}, Bottleneck's side; bench/peers/perf_torch.py runs the
 * same ones in PyTorch with the same sizes (keep the two in step). Training goes through the
 * product's own {@link Trainer}, so what is measured is what users get.
 */
public final class PerfWorkloads {
    /** Sizes: the full run, or tiny ones for the smoke test (seconds). */
    public record Sizes(boolean quick, int reps) {
        int warmup(int full) { return quick ? 1 : full; }
        int steps(int full) { return quick ? 2 : full; }
    }

    private final Sizes sizes;
    private final Path fashionDir;
    private final Path datasets;
    private final long seed;

    public PerfWorkloads(Sizes sizes, Path fashionDir, Path datasets, long seed) {
        this.sizes = sizes;
        this.fashionDir = fashionDir;
        this.datasets = datasets;
        this.seed = seed;
    }

    public static final List<String> NAMES = List.of("dense", "conv", "sae", "score", "sgemm");

    public List<Measurement> run(String name, int threads) {
        switch (name) {
            case "dense":
                return List.of(dense(threads));
            case "conv":
                return List.of(conv(threads));
            case "sae":
                return List.of(sae(threads));
            case "score":
                return score(threads);
            case "sgemm":
                return List.of(sgemm(1), sgemm(2));
            default:
                throw new BottleneckException("workload \"" + name + "\" is not known (expected one of " + NAMES + ")");
        }
    }

    /** (1) Dense AE 784→512→128→32 (mirrored, sigmoid output), MSE, Adam 1e-3, batch 256. */
    Measurement dense(int threads) {
        int batch = 256;
        StepClock clock = new StepClock(sizes.warmup(20), sizes.steps(40), sizes.reps());
        Table images = fashion(clock.totalSteps() * batch);
        DenseSpec arch = new DenseSpec(784, List.of(512, 128), 32, Activation.RELU, false, 0, Activation.SIGMOID);
        return train("dense", arch, images, batch, clock, threads);
    }

    /** (2) The foundation's conv AE (DemoCommand's architecture), batch 128. */
    Measurement conv(int threads) {
        int batch = 128;
        StepClock clock = new StepClock(sizes.warmup(10), sizes.steps(30), sizes.reps());
        Table images = fashion(clock.totalSteps() * batch);
        ConvSpec arch = new ConvSpec(1, 28, 28, List.of(32, 64), 3, 2, 32, null, false, null);
        return train("conv", arch, images, batch, clock, threads);
    }

    private Measurement train(String name, ArchitectureSpec arch, Table data, int batch, StepClock clock, int threads) {
        int n = data.rows();
        int perEpoch = n / batch + (n % batch > 1 ? 1 : 0);
        int epochs = (clock.totalSteps() + perEpoch - 1) / perEpoch;
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(epochs).optBatchSize(batch).optLearningRate(1e-3)
                .optValidationFraction(0).optSeed(seed).build();
        try (Autoencoder m = Autoencoder.builder().setArchitecture(arch).optScaler(ScalerKind.NONE).optSeed(seed).build()) {
            Trainer.builder().setConfig(cfg).optListener(clock.listener(b -> Math.min(batch, n - (b - 1) * batch))).build()
                    .fit(m, data);
        }
        return new Measurement(name, "samples/s", clock.throughput(), Map.of("batch", batch, "rows", n,
                "warmup_steps", clock.warmup(), "steps_per_rep", clock.stepsPerRep(),
                "threads", threads));
    }

    /**
     * (3) TopK SAE on 384-d inputs, 3072 latents, k = 32, batch 4096, Adam 1e-3, trained by the
     * product's {@link SaeTrainer} (FVU loss, decoder-gradient projection and renormalisation,
     * dead-latent counts); synthetic Gaussian inputs, so no latent dies and AuxK stays off.
     */
    Measurement sae(int threads) {
        int d = sizes.quick() ? 64 : 384;
        int latents = sizes.quick() ? 256 : 3072;
        int k = sizes.quick() ? 8 : 32;
        int batch = sizes.quick() ? 256 : 4096;
        StepClock clock = new StepClock(sizes.warmup(2), sizes.steps(3), sizes.reps());
        SaeConfig config = SaeConfig.builder().setShape(d, latents).setHook("blocks.3.hook_resid_post", "synthetic", 1)
                .optK(k).optSeed(seed).build();
        TrainingConfig training = TrainingConfig.builder().optEpochs(1).optBatchSize(batch).optLearningRate(1e-3)
                .optSeed(seed).build();
        try (NDManager data = Engines.newManager(ai.djl.Device.cpu());
                SparseAutoencoder sae = SparseAutoencoder.create(config, data, null)) {
            Engines.seed(seed + 1);
            // a fixed pool of Gaussian "activations": throughput does not depend on their content
            NDArray pool = data.randomNormal(new Shape(4L * batch, d));
            SaeTrainer.builder().setConfig(training).optListener(clock.listener(b -> batch)).build()
                    .fit(sae, new PooledRows(pool, batch, clock.totalSteps()));
        }
        return new Measurement("sae", "tokens/s", clock.throughput(), Map.of("d", d, "latents", latents, "k", k,
                "batch", batch, "threads", threads, "input", "synthetic Gaussian"));
    }

    private Table fashion(int rows) {
        Path file = fashionDir.resolve("train-images-idx3-ubyte.gz");
        if (!Files.isRegularFile(file)) {
            file = datasets.resolve("fashion-mnist-2k/train-images-idx3-ubyte.gz");
        }
        return IdxReader.readImages(file, null, rows);
    }

    /** (4) Scoring with a dense AE trained on WDBC (30 features): rows/s at batch 4096, and one-row latency. */
    List<Measurement> score(int threads) {
        Table wdbc = DataSources.load(datasets.resolve("wdbc/wdbc.csv.gz"), "label", null);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(sizes.quick() ? 2 : 30).optBatchSize(64)
                .optValidationFraction(0).optSeed(seed).build();
        int batchRows = 4096;
        float[] rows = wdbc.values();
        float[] tiled = new float[batchRows * wdbc.cols()];
        for (int i = 0; i < batchRows; i++) {
            System.arraycopy(rows, (i % wdbc.rows()) * wdbc.cols(), tiled, i * wdbc.cols(), wdbc.cols());
        }
        Table big = new Table(tiled, batchRows, wdbc.cols(), wdbc.columns(), null, null, null, "wdbc x" + batchRows);
        Table one = big.select(new int[] {0});
        // a timed repetition is ~1M rows and the warm-up twice that: shorter ones (50 calls) spread
        // 0.5-3.8M rows/s on this machine, the JIT and the thread pool still settling
        int callsPerRep = sizes.quick() ? 2 : 250;
        int warmupCalls = sizes.quick() ? 2 : 500;
        int singleCalls = sizes.quick() ? 50 : 5000;
        double[] rowsPerSecond = new double[sizes.reps()];
        double[] latencyMs = new double[singleCalls];
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(new DenseSpec(wdbc.cols(), List.of(64, 32), 8, null, false, 0, null))
                .optSeed(seed).build()) {
            Trainer.builder().setConfig(cfg).build().fit(m, wdbc);
            for (int w = 0; w < warmupCalls; w++) {
                m.score(big);
                m.score(one);
            }
            for (int r = 0; r < rowsPerSecond.length; r++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < callsPerRep; c++) {
                    m.score(big);
                }
                rowsPerSecond[r] = (double) batchRows * callsPerRep / ((System.nanoTime() - t0) / 1e9);
            }
            for (int c = 0; c < singleCalls; c++) {
                long t0 = System.nanoTime();
                m.score(one);
                latencyMs[c] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Map<String, Object> info = Map.of("architecture", "30-64-32-8", "threads", threads);
        Measurement single = new Measurement("score-row", "ms", latencyMs, info);
        return List.of(new Measurement("score-batch", "rows/s", rowsPerSecond, info),
                new Measurement("score-row-p50", "ms", new double[] {Measurement.quantile(latencyMs, 0.5)}, info),
                new Measurement("score-row-p99", "ms", new double[] {Measurement.quantile(latencyMs, 0.99)}, info));
    }

    /** (5) float32 C = A·B with n = 2048 on the given number of intra-op threads, GFLOP/s. */
    Measurement sgemm(int threads) {
        int n = sizes.quick() ? 256 : 2048;
        int calls = sizes.quick() ? 2 : 5;
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        double[] gflops = new double[sizes.reps()];
        try (NDManager mm = Engines.newManager(ai.djl.Device.cpu())) {
            Engines.seed(seed);
            NDArray a = mm.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = mm.randomUniform(-1, 1, new Shape(n, n));
            for (int w = 0; w < 2; w++) {
                a.matMul(b).close();
            }
            for (int r = 0; r < gflops.length; r++) {
                long t0 = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    a.matMul(b).close();
                }
                gflops[r] = 2.0 * n * n * n * calls / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
        return new Measurement("sgemm-" + threads + "t", "GFLOP/s", gflops, Map.of("n", n, "threads", threads));
    }
}

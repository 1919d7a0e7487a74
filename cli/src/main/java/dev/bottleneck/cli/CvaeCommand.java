package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.cvae.ConditionalCompletion;
import dev.bottleneck.cvae.ConditionalEvaluation;
import dev.bottleneck.cvae.ConditionalFiles;
import dev.bottleneck.cvae.ConditionalKind;
import dev.bottleneck.cvae.ConditionalTrainer;
import dev.bottleneck.cvae.ConditionalVae;
import dev.bottleneck.cvae.QuadrantTask;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@code bottleneck cvae train|complete|nll}: conditional VAEs for image completion (Sohn et al. 2015). */
@Command(name = "cvae", mixinStandardHelpOptions = true,
        description = {"Conditional VAE for image completion: given some quadrants of an image (x), generate the rest (y).",
                "Train a CVAE or the deterministic baseline, draw completions, report the conditional NLL."},
        subcommands = {CvaeCommand.Train.class, CvaeCommand.Complete.class, CvaeCommand.Nll.class})
final class CvaeCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train, complete or nll)");
    }

    /** IDX images (a CSV gets the task's "not images" sentence). */
    static Table images(Path data, int rows) {
        Table t = DataSources.load(data, null, ImputePolicy.REJECT);
        if (rows < 0) {
            throw new BottleneckException("--rows must be ≥ 0 (0 = all), got " + rows);
        }
        if (rows > 0 && rows < t.rows()) {
            int[] first = new int[rows];
            Arrays.setAll(first, i -> i);
            t = t.select(first);
        }
        return t;
    }

    static QuadrantTask taskOf(ConditionalVae m, Path dir) {
        if (m.task() == null) {
            throw new BottleneckException(dir + " was trained on plain (x, y) rows, not on images; use the Java API");
        }
        return m.task();
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a conditional VAE (or the deterministic baseline) to complete images from given quadrants",
                    "and write a model directory (config.json, model.safetensors, history.jsonl, loss.png)."})
    static final class Train implements Runnable {
        @Option(names = "--data", required = true, paramLabel = "IDX", description = "Training images (IDX, .gz ok).")
        Path data;

        @Option(names = "--quadrants", defaultValue = "1", description = "Given quadrants: 1 (bottom-left, default), 2 (left half) or 3 (all but top-right).")
        int quadrants;

        @Option(names = "--kind", defaultValue = "cvae", description = "cvae (default) or baseline (ŷ = f(x), same likelihood).")
        String kind;

        @Option(names = "--hidden", defaultValue = "1000,1000", split = ",", description = "Hidden widths of every network (default 1000,1000).")
        List<Integer> hidden;

        @Option(names = "--latent", defaultValue = "100", description = "Width of z (default 100).")
        int latent;

        @Option(names = "--alpha", defaultValue = "0.5", description = "Hybrid weight: α·L_CVAE + (1−α)·L_GSNN, in [0, 1] (default 0.5).")
        double alpha;

        @Option(names = "--beta", defaultValue = "1", description = "Weight of KL(q(z|x,y) ‖ p(z|x)) (default 1).")
        double beta;

        @Option(names = "--kl-warmup", defaultValue = "0", description = "KL weight ramps from 0 to β over N steps (default 0).")
        long klWarmup;

        @Option(names = "--rows", defaultValue = "0", description = "Use only the first N images (default 0 = all).")
        int rows;

        @Mixin OutputDirOptions output;

        @Mixin DeviceOption device;

        @ArgGroup(validate = false, heading = "%nTraining:%n") TrainingOptions training = new TrainingOptions();

        @Override
        public void run() {
            output.refuseExisting();
            Table images = images(data, rows);
            QuadrantTask task = QuadrantTask.forImages(images, quadrants);
            Table pairs = task.pairs(images);
            TrainingConfig cfg = training.build();
            ConditionalKind k = ConditionalKind.parse(kind);
            StopSignal stop = new StopSignal(true);
            try (ConditionalVae model = ConditionalVae.builder().setTask(task).optKind(k).optHidden(hidden)
                    .optLatent(latent).optAlpha(alpha).optGaussian(GaussianSpec.of(beta, klWarmup))
                    .optDevice(device.get()).optSeed(cfg.seed()).build()) {
                // installed once the model is built, so a bad setting never holds the JVM's exit
                stop.installShutdownHook(120);
                System.err.printf("training %s on %s: %d images, %d given quadrant(s) → x %d, y %d pixels, hidden %s%s, %d epochs%n",
                        model.config().family(), images.source(), images.rows(), quadrants, task.inputWidth(),
                        task.outputWidth(), hidden, k == ConditionalKind.CVAE ? ", latent " + latent + ", α " + alpha : "",
                        cfg.epochs());
                TrainingResult result = ConditionalTrainer.builder().setConfig(cfg).optListener(new ConsoleProgress())
                        .optStopSignal(stop).build().fit(model, pairs);
                ConditionalFiles.save(model, output.out, output.overwrite, dir -> {
                    ModelOutputs.writeHistory(dir.resolve("history.jsonl"), result.history());
                    if (!result.history().isEmpty()) {
                        ModelOutputs.lossCurve(dir.resolve("loss.png"), result.history());
                    }
                });
                System.err.printf("done: %d epochs in %.1f s%s; kept epoch %d%n", result.history().size(), result.seconds(),
                        stop.isRequested() ? " (stopped on request: the model holds the finished epochs)"
                                : result.stoppedEarly() ? " (stopped early)" : "", result.bestEpoch());
                System.err.println("model written to " + output.out.toAbsolutePath());
            } finally {
                stop.markFinished();
            }
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Draw completions as a PNG: one row per input; columns: the given quadrant(s), the ground truth,",
                    "the baseline (with --baseline), then --samples CVAE samples, each from its own z ~ p(z|x)."})
    static final class Complete implements Runnable {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model written by 'bottleneck cvae train'.")
        Path model;

        @Option(names = "--baseline", paramLabel = "DIR", description = "A baseline model for the third column (optional).")
        Path baseline;

        @Option(names = "--data", required = true, paramLabel = "IDX", description = "Images to complete (IDX, .gz ok).")
        Path data;

        @Option(names = "--n", defaultValue = "8", description = "Inputs (rows of the picture), one per class first (default 8).")
        int n;

        @Option(names = "--samples", defaultValue = "5", description = "CVAE samples per input (default 5).")
        int samples;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws (default 0).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "PNG", description = "Picture to write.")
        Path out;

        @Mixin DeviceOption device;

        @Override
        public void run() {
            if (n < 1) {
                throw new BottleneckException("--n must be ≥ 1, got " + n);
            }
            try (ConditionalVae m = ConditionalVae.load(model, device.get());
                    ConditionalVae b = baseline == null ? null : ConditionalVae.load(baseline, device.get())) {
                taskOf(m, model);
                Table images = images(data, 0);
                int cols = ConditionalCompletion.write(out, m, b, images, ConditionalCompletion.diverseRows(images, n),
                        samples, seed);
                System.err.printf("wrote %s (%d columns: given, truth%s, %s)%n", out.toAbsolutePath(), cols,
                        b != null ? ", baseline" : "", m.kind() == ConditionalKind.CVAE ? samples + " samples" : "prediction");
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + out + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "nll", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Conditional negative log-likelihood −log p(y|x) in nats per image (lower is better):",
                    "importance-sampled with S draws from q(z|x,y) for a CVAE, exact for the baseline."})
    static final class Nll implements Runnable {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model written by 'bottleneck cvae train'.")
        Path model;

        @Option(names = "--data", required = true, paramLabel = "IDX", description = "Images to score (IDX, .gz ok).")
        Path data;

        @Option(names = "--samples", defaultValue = "100", description = "Importance samples S per image (default 100).")
        int samples;

        @Option(names = "--prior", description = "Also report the paper's 'CLL via prior sampling' (S draws from p(z|x)).")
        boolean prior;

        @Option(names = "--rows", defaultValue = "0", description = "Use only the first N images (default 0 = all).")
        int rows;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws (default 0).")
        long seed;

        @Mixin DeviceOption device;

        @Override
        public void run() {
            try (ConditionalVae m = ConditionalVae.load(model, device.get())) {
                QuadrantTask task = taskOf(m, model);
                Table pairs = task.pairs(images(data, rows));
                long t0 = System.nanoTime();
                ConditionalEvaluation.Nll nll = ConditionalEvaluation.nll(m, pairs, samples, seed);
                System.out.printf("rows %d%nkind %s%nnll %.4f%nsamples %d%n", pairs.rows(), m.kind().id(), nll.nll(),
                        nll.samples());
                if (prior && m.kind() == ConditionalKind.CVAE) {
                    ConditionalEvaluation.Nll p = ConditionalEvaluation.nll(m, pairs, samples, seed,
                            ConditionalEvaluation.Estimator.PRIOR);
                    System.out.printf("nll_prior_sampling %.4f%n", p.nll());
                }
                System.out.printf("seconds %.2f%n", (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}

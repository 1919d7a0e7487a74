package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.sae.LinearMap;
import dev.bottleneck.interpret.sae.SaeArchitecture;
import dev.bottleneck.interpret.sae.SaeCheckpoint;
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SaeEvaluator;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeMetrics;
import dev.bottleneck.interpret.sae.SaeProvenance;
import dev.bottleneck.interpret.sae.SaeTrainer;
import dev.bottleneck.interpret.sae.SaeTrainingResult;
import dev.bottleneck.interpret.sae.SentenceTrainingData;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.StoreInfo;
import dev.bottleneck.interpret.store.TextCorpus;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingInterruptedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a sparse autoencoder (or, with --transcoder, a transcoder) on an activation store and write an SAE directory.",
                "Held-out FVU, L0 and dead fraction are printed at the end. A checkpoint OUT.ckpt is written every epoch and on",
                "Ctrl-C; --resume (with the same options) continues from it.",
                "gtopk trains on the store's corpus through MiniLM (activations and downstream gradients per batch), not on its rows;",
                "it writes no checkpoints (Ctrl-C saves the weights so far to --out)."})
final class SaeTrainCommand implements Runnable {
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Activation store (from `sae collect`).")
    Path store;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "SAE directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Option(names = "--resume", description = "Continue from the checkpoint OUT.ckpt of a stopped run (give the same options).")
    boolean resume;

    // BatchTopK: the variant that beat the bar on FVU, dead latents, spliced cosine and speed (BENCHMARKS.md)
    @Option(names = "--architecture", defaultValue = "batchtopk", description = "batchtopk (default), topk, relu, jumprelu or gtopk.")
    String architecture;

    @Option(names = "--transcoder", description = "Predict the store's --target-hook from its --hook (a paired store).")
    boolean transcoder;

    @Option(names = "--expansion", defaultValue = "8", description = "Latents = expansion × d_in (default ${DEFAULT-VALUE}).")
    int expansion;

    @Option(names = "--k", defaultValue = "32", description = "Active latents per token: topk, gtopk; the mean over a batch for batchtopk (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--aux-k", defaultValue = "-1", description = "Latents for the AuxK loss (default d_in/2).")
    int auxK;

    @Option(names = "--aux-coef", defaultValue = "0.03125", description = "AuxK weight (default 1/32).")
    double auxCoef;

    @Option(names = "--dead-tokens", defaultValue = "1000000", description = "Tokens without firing after which a latent is dead.")
    long deadTokens;

    @Option(names = "--l1", defaultValue = "2", description = "L1 weight, relu (default ${DEFAULT-VALUE}).")
    double l1;

    @Option(names = "--l0-coefficient", defaultValue = "0.002", description = "λ, weight of the mean active latents per token, jumprelu (default ${DEFAULT-VALUE}).")
    double l0Coefficient;

    @Option(names = "--bandwidth", defaultValue = "0.05", description = "ε of jumprelu's straight-through estimator, in scaled units (default ${DEFAULT-VALUE}).")
    double bandwidth;

    @Option(names = "--initial-threshold", defaultValue = "1", description = "jumprelu's θ at the start, in scaled units (default ${DEFAULT-VALUE}).")
    double initialThreshold;

    @Option(names = "--gradient-weight", defaultValue = "1", description = "β of gtopk: latents ranked by z·(1 + β·|⟨∇, W_dec,i⟩|) (default ${DEFAULT-VALUE}).")
    double gradientWeight;

    @Option(names = "--corpus", paramLabel = "FILE", description = "gtopk: the corpus to run (default: the one the store names).")
    Path corpus;

    @Option(names = "--epochs", defaultValue = "8", description = "Passes over the training rows (default ${DEFAULT-VALUE}).") int epochs;
    // batch 512, 1,000 warm-up steps, cosine decay: the recipe that met every goal of the SAE issue on
    // MiniLM block 3 (BENCHMARKS.md): twice the steps of batch 1024 lower the FVU, and the long warm-up
    // keeps latents from dying at the full rate early on; the peak rate depends on the architecture
    // (SaeArchitecture.defaultLearningRate)
    @Option(names = "--batch", defaultValue = "512", description = "Tokens per batch (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--lr", description = "Peak learning rate, reached after --warmup (default 3e-3 for batchtopk, 2e-3 for the others).") Double lr;
    @Option(names = "--warmup", defaultValue = "1000", description = "Linear warm-up steps (default ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--schedule", defaultValue = "cosine", description = "After warm-up: cosine (default; decay to --min-lr by the last step) or constant.") String schedule;
    @Option(names = "--min-lr", defaultValue = "0", description = "Final rate of the cosine schedule (default ${DEFAULT-VALUE}).") double minLr;
    @Option(names = "--max-rows", defaultValue = "0", description = "Use at most this many tokens per epoch (0 = the store's training rows).") long maxRows;
    @Option(names = "--seed", defaultValue = "42") long seed;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).")
    String device;

    @Override
    public void run() {
        AtomicFiles.refuseExisting(out, overwrite);
        SaeArchitecture arch = SaeArchitecture.parse(architecture);
        // built first so that a bad schedule or rate is reported before the store is read
        TrainingConfig training = TrainingConfig.builder().optEpochs(epochs).optBatchSize(batch)
                .optLearningRate(lr != null ? lr : arch.defaultLearningRate())
                .optWarmupSteps(warmup).optSchedule(TrainingConfig.Schedule.parse(schedule)).optMinLearningRate(minLr)
                .optSeed(seed).build();
        // gtopk's batches come from MiniLM runs, which cannot be replayed: it keeps the old Ctrl-C behaviour
        Path ckpt = arch == SaeArchitecture.GTOPK ? null : Checkpoints.besideOutput(out);
        if (resume) {
            if (ckpt == null) {
                throw new BottleneckException("gtopk runs cannot be resumed (their batches come from MiniLM runs and"
                        + " are not replayable); train again, or use --max-rows for a shorter run");
            }
            SaeCheckpoint state = Checkpoints.readState(ckpt, SaeCheckpoint.class);
            System.err.printf("resuming from %s: %d of %d epochs done%s%n", ckpt, state.epochsCompleted(),
                    state.training().epochs(), state.nextBatch() > 0 ? " and " + state.nextBatch() + " batches" : "");
        }
        ActivationStore s = ActivationStore.open(store);
        StoreInfo info = s.info();
        if (transcoder && !info.paired()) {
            throw new BottleneckException("--transcoder needs a paired store, but " + store + " holds only " + info.hook()
                    + "; collect one with `sae collect --hook " + info.hook() + " --target-hook HOOK`");
        }
        int dIn = info.dIn();
        SaeConfig.Builder b = SaeConfig.builder()
                .setShape(dIn, expansion * dIn)
                .setHook(info.hook(), info.model(), info.scale())
                .optArchitecture(arch)
                .optK(k).optAuxK(auxK).optAuxKCoefficient(auxCoef).optDeadTokens(deadTokens).optL1Coefficient(l1)
                .optL0Coefficient(l0Coefficient).optBandwidth(bandwidth).optInitialThreshold(initialThreshold)
                .optGradientWeight(gradientWeight)
                .optSeed(seed);
        if (transcoder) {
            b.optTarget(info.targetHook(), info.dTarget(), info.targetScale());
        }
        SaeConfig config = b.build();
        StopSignal stop = new StopSignal(true).installShutdownHook(60);
        try (NDManager manager = Engines.newManager(Engines.device(device));
                SparseAutoencoder sae = SparseAutoencoder.create(config, manager,
                        s.mean(ActivationStore.Split.TRAIN, 262144, true),
                        transcoder ? s.targetMean(ActivationStore.Split.TRAIN, 262144, true)
                                : s.mean(ActivationStore.Split.TRAIN, 262144, true))) {
            Double linearFvu = null;
            if (transcoder) {
                try (LinearMap linear = LinearMap.fit(s, 262144, manager)) {
                    linear.initialise(sae);
                    if (s.rows(ActivationStore.Split.HELD_OUT) > 0) {
                        linearFvu = linear.fvu(s, ActivationStore.Split.HELD_OUT, 0);
                    }
                }
            }
            System.err.printf("training %s %s on %s: %d rows × %d%s, %d latents, %d epochs, batch %d%n", arch.id(),
                    transcoder ? "transcoder" : "SAE", store, s.rows(ActivationStore.Split.TRAIN), dIn,
                    transcoder ? " → " + info.targetHook() : "", config.dSae(), epochs, batch);
            SaeTrainer trainer = SaeTrainer.builder().setConfig(training).optListener(new ConsoleProgress())
                    .optStopSignal(stop).optMaxRows(maxRows).optCheckpointDir(ckpt).optResume(resume).build();
            SaeTrainingResult r;
            String corpusName = info.corpus();
            if (arch == SaeArchitecture.GTOPK) {
                Path c = corpus != null ? corpus : Path.of(info.corpus());
                corpusName = c.toString();
                // the store's held-out rule and token choices, so that `sae eval` on the store stays held out
                List<String> sentences = SentenceTrainingData.trainingSentences(TextCorpus.read(c), info.heldOutEvery());
                try (MiniLm model = MiniLm.load(manager); MiniLmTokenizer tok = MiniLmTokenizer.load(info.maxLength())) {
                    SentenceTrainingData data = new SentenceTrainingData(model, tok, sentences, info.hook(),
                            info.excludeSpecial(), batch, maxRows > 0 ? maxRows : s.rows(ActivationStore.Split.TRAIN));
                    System.err.printf("gtopk: %d training sentences from %s, %d tokens per epoch through MiniLM%n",
                            sentences.size(), c, data.tokensPerEpoch());
                    r = trainer.fit(sae, data);
                }
            } else {
                try {
                    r = trainer.fit(sae, s);
                } catch (TrainingInterruptedException e) {
                    System.err.println("bottleneck: " + e.getMessage());
                    stop.markFinished();
                    throw e;
                }
            }
            SaeProvenance p = new SaeProvenance(store.toString(), corpusName, s.rows(ActivationStore.Split.TRAIN),
                    r.tokens(), r.history().size(), r.seconds(), r.tokensPerSecond(), r.deadFraction(), r.interrupted(),
                    Instant.now().toString(), Version.get(), Engines.describe(), System.getProperty("java.version"));
            SaeFiles.save(sae, training, p, out, overwrite);
            if (ckpt != null) {
                AtomicFiles.deleteRecursively(ckpt);
            }
            System.err.printf("trained on %d tokens in %.1f s (%.0f tokens/s)%s; written to %s%n", r.tokens(), r.seconds(),
                    r.tokensPerSecond(), r.interrupted() ? " (stopped early)" : "", out);
            if (s.rows(ActivationStore.Split.HELD_OUT) > 0) {
                SaeMetrics m = SaeEvaluator.evaluate(sae, s, ActivationStore.Split.HELD_OUT, 0, 4096);
                System.out.printf("held-out tokens %d  FVU %.4f%s  L0 %.1f  dead %.2f %%  dense %.2f %%%n", m.rows(), m.fvu(),
                        linearFvu == null ? "" : String.format(" (best linear map %.4f)", linearFvu), m.l0(),
                        100 * m.deadFraction(), 100 * m.denseFraction());
            }
        } finally {
            stop.markFinished();
        }
    }
}

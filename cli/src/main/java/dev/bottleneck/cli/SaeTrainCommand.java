package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.Version;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.sae.SaeArchitecture;
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SaeEvaluator;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeMetrics;
import dev.bottleneck.interpret.sae.SaeProvenance;
import dev.bottleneck.interpret.sae.SaeTrainer;
import dev.bottleneck.interpret.sae.SaeTrainingResult;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a sparse autoencoder on an activation store and write an SAE directory.",
                "Held-out FVU, L0 and dead fraction are printed at the end. Ctrl-C stops and saves the weights so far."})
final class SaeTrainCommand implements Runnable {
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Activation store (from `sae collect`).")
    Path store;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "SAE directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Option(names = "--architecture", defaultValue = "topk", description = "topk (default) or relu.")
    String architecture;

    @Option(names = "--expansion", defaultValue = "8", description = "Latents = expansion × d_in (default ${DEFAULT-VALUE}).")
    int expansion;

    @Option(names = "--k", defaultValue = "32", description = "Active latents per token, TopK (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--aux-k", defaultValue = "-1", description = "Latents for the AuxK loss (default d_in/2).")
    int auxK;

    @Option(names = "--aux-coef", defaultValue = "0.03125", description = "AuxK weight (default 1/32).")
    double auxCoef;

    @Option(names = "--dead-tokens", defaultValue = "1000000", description = "Tokens without firing after which a latent is dead.")
    long deadTokens;

    @Option(names = "--l1", defaultValue = "5", description = "L1 weight, ReLU (default ${DEFAULT-VALUE}).")
    double l1;

    @Option(names = "--epochs", defaultValue = "8") int epochs;
    @Option(names = "--batch", defaultValue = "4096") int batch;
    @Option(names = "--lr", defaultValue = "2e-3") double lr;
    @Option(names = "--warmup", defaultValue = "100", description = "Linear warm-up steps (default ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--max-rows", defaultValue = "0", description = "Use at most this many store rows per epoch (0 = all).") long maxRows;
    @Option(names = "--seed", defaultValue = "42") long seed;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).")
    String device;

    @Override
    public void run() {
        AtomicFiles.refuseExisting(out, overwrite);
        ActivationStore s = ActivationStore.open(store);
        int dIn = s.info().dIn();
        SaeConfig config = SaeConfig.builder()
                .setShape(dIn, expansion * dIn)
                .setHook(s.info().hook(), s.info().model(), s.info().scale())
                .optArchitecture(SaeArchitecture.parse(architecture))
                .optK(k).optAuxK(auxK).optAuxKCoefficient(auxCoef).optDeadTokens(deadTokens).optL1Coefficient(l1)
                .optSeed(seed)
                .build();
        TrainingConfig training = TrainingConfig.builder().optEpochs(epochs).optBatchSize(batch).optLearningRate(lr)
                .optWarmupSteps(warmup).optSchedule(TrainingConfig.Schedule.CONSTANT).optSeed(seed).build();
        StopSignal stop = new StopSignal(true).installShutdownHook(60);
        try (NDManager manager = Engines.newManager(Engines.device(device));
                SparseAutoencoder sae = SparseAutoencoder.create(config, manager,
                        s.mean(ActivationStore.Split.TRAIN, 262144, true))) {
            System.err.printf("training %s SAE on %s: %d rows × %d, %d latents, %d epochs, batch %d%n",
                    config.architecture().id(), store, s.rows(ActivationStore.Split.TRAIN), dIn, config.dSae(), epochs, batch);
            SaeTrainingResult r = SaeTrainer.builder().setConfig(training).optListener(new ConsoleProgress())
                    .optStopSignal(stop).optMaxRows(maxRows).build().fit(sae, s);
            SaeProvenance p = new SaeProvenance(store.toString(), s.info().corpus(), s.rows(ActivationStore.Split.TRAIN),
                    r.tokens(), r.history().size(), r.seconds(), r.tokensPerSecond(), r.deadFraction(), r.interrupted(),
                    Instant.now().toString(), Version.get(), Engines.describe(), System.getProperty("java.version"));
            SaeFiles.save(sae, training, p, out, overwrite);
            System.err.printf("trained on %d tokens in %.1f s (%.0f tokens/s)%s; written to %s%n", r.tokens(), r.seconds(),
                    r.tokensPerSecond(), r.interrupted() ? " (stopped early)" : "", out);
            if (s.rows(ActivationStore.Split.HELD_OUT) > 0) {
                SaeMetrics m = SaeEvaluator.evaluate(sae, s, ActivationStore.Split.HELD_OUT, 0, 4096);
                System.out.printf("held-out tokens %d  FVU %.4f  L0 %.1f  dead %.2f %%  dense %.2f %%%n", m.rows(), m.fvu(),
                        m.l0(), 100 * m.deadFraction(), 100 * m.denseFraction());
            }
        } finally {
            stop.markFinished();
        }
    }
}

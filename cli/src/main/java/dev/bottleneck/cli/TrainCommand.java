package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.train.CheckpointState;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingInterruptedException;
import dev.bottleneck.train.TrainingResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an autoencoder and write a model directory (config.json, model.safetensors, history.jsonl, loss.png).",
                "A checkpoint OUT.ckpt is written every epoch and on Ctrl-C; --resume continues from it."})
final class TrainCommand implements Runnable {
    @Mixin DataOptions dataOptions;

    @Mixin OutputDirOptions output;

    @Option(names = "--resume", description = "Continue from the checkpoint OUT.ckpt (its model and settings are used).")
    boolean resume;

    @Mixin DeviceOption device;

    @ArgGroup(validate = false, heading = "%nModel:%n") ArchitectureOptions arch = new ArchitectureOptions();

    @ArgGroup(validate = false, heading = "%nTraining:%n") TrainingOptions training = new TrainingOptions();

    @Override
    public void run() {
        output.refuseExisting();
        Path ckpt = Checkpoints.besideOutput(output.out);
        Table data = dataOptions.load();
        Autoencoder model;
        TrainingConfig cfg;
        if (resume) {
            CheckpointState state = Checkpoints.readState(ckpt);
            cfg = state.training();
            model = Autoencoder.fromConfig(state.model(), device.get(), cfg.seed());
            System.err.printf("resuming from %s: %d of %d epochs done%n", ckpt, state.epochsCompleted(), cfg.epochs());
        } else {
            cfg = training.build();
            model = arch.build(data, cfg.seed(), device.get());
        }
        // installed only now that the model exists: the try below always marks it finished, so a
        // failure above (bad data, --latent 0, no checkpoint) never holds the JVM's exit for 120 s
        StopSignal stop = new StopSignal(true).installShutdownHook(120);
        try (model) {
            System.err.printf("training %s autoencoder on %s: %d rows × %d columns, latent %d, %d epochs, %s%n",
                    model.config().family(), data.source(), data.rows(), data.cols(), model.latent(), cfg.epochs(),
                    Engines.describe() + " on " + model.manager().getDevice());
            TrainingResult result;
            try {
                result = Trainer.builder()
                        .setConfig(cfg)
                        .optCheckpointDir(ckpt)
                        .optResume(resume)
                        .optListener(new ConsoleProgress())
                        .optStopSignal(stop)
                        .build()
                        .fit(model, data);
            } catch (TrainingInterruptedException e) {
                System.err.println("bottleneck: " + e.getMessage());
                stop.markFinished();
                throw e;
            }
            ModelOutputs.write(model, result, data, output.out, output.overwrite);
            AtomicFiles.deleteRecursively(ckpt);
            System.err.printf("done: %d epochs in %.1f s%s; kept epoch %d%n", result.history().size(), result.seconds(),
                    result.stoppedEarly() ? " (stopped early)" : "", result.bestEpoch());
            System.err.println("model written to " + output.out.toAbsolutePath() + " (loss curve: " + output.out.resolve("loss.png") + ")");
        } finally {
            stop.markFinished();
        }
    }
}

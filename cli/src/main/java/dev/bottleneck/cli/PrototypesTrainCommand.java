package dev.bottleneck.cli;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.prototype.ElasticDeformation;
import dev.bottleneck.prototype.Evaluation;
import dev.bottleneck.prototype.LossWeights;
import dev.bottleneck.prototype.PrototypeCheckpoint;
import dev.bottleneck.prototype.PrototypeNetwork;
import dev.bottleneck.prototype.PrototypePlots;
import dev.bottleneck.prototype.PrototypeTrainer;
import dev.bottleneck.prototype.PrototypeFiles;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingInterruptedException;
import dev.bottleneck.train.TrainingResult;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = PrototypesTrainCommand.PaperDefaults.class,
        description = {"Train a prototype network on labelled data (IDX images or a CSV with --label) and write a model",
                "directory: config.json, model.safetensors, history.jsonl, loss.png, prototypes.png, weights.png.",
                "A checkpoint OUT.ckpt is written every epoch and on Ctrl-C; --resume continues from it."})
final class PrototypesTrainCommand implements Runnable {
    @Mixin DataOptions dataOptions;

    @Mixin OutputDirOptions output;

    @Option(names = "--resume", description = "Continue from the checkpoint OUT.ckpt (its model and settings are used).")
    boolean resume;

    @Mixin DeviceOption device;

    @Option(names = "--test", paramLabel = "FILE", description = "Labelled data to report accuracy on after training.")
    Path test;

    @Option(names = "--prototypes", defaultValue = "15", description = "Number of prototypes m (default 15).")
    int prototypes;

    @Option(names = "--latent", defaultValue = "10",
            description = "Code width of the dense autoencoder used for non-image data (default 10; images use the paper's conv code).")
    int latent;

    @Option(names = "--activation", defaultValue = "sigmoid",
            description = "Hidden-layer activation: sigmoid (the reference code, default), relu, elu, … (the code stays sigmoid for images).")
    String activation;

    @Option(names = "--lambda-class", defaultValue = "20", description = "Weight of the cross-entropy (default 20).")
    double lambdaClass;

    @Option(names = "--lambda-ae", defaultValue = "1", description = "Weight of the reconstruction error (default 1).")
    double lambdaAe;

    @Option(names = "--lambda1", defaultValue = "1", description = "Weight of R1, prototypes near some example (default 1).")
    double lambda1;

    @Option(names = "--lambda2", defaultValue = "1", description = "Weight of R2, examples near some prototype (default 1).")
    double lambda2;

    @Option(names = "--no-prototype-terms", description = "Drop R1 and R2 (λ1 = λ2 = 0): the ablation whose prototypes decode to noise.")
    boolean noPrototypeTerms;

    @Option(names = "--elastic", description = "Elastically deform training images (σ, α below), as the paper does.")
    boolean elastic;

    @Option(names = "--elastic-sigma", defaultValue = "4", description = "Smoothing σ of the deformation field, pixels (default 4).")
    double elasticSigma;

    @Option(names = "--elastic-alpha", defaultValue = "20", description = "Scale α of the deformation field, pixels (default 20).")
    double elasticAlpha;

    @Option(names = "--elastic-from", defaultValue = "1", description = "First epoch (1-based) that deforms images (default 1).")
    int elasticFrom;

    @ArgGroup(validate = false, heading = "%nTraining:%n") TrainingOptions training = new TrainingOptions();

    /** The paper's batch size and learning rate instead of the autoencoders' defaults. */
    static final class PaperDefaults implements CommandLine.IDefaultValueProvider {
        private static final Map<String, String> VALUES = Map.of("--batch-size", "250", "--lr", "0.002", "--epochs", "30");

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            return arg instanceof CommandLine.Model.OptionSpec o ? VALUES.get(o.longestName()) : null;
        }
    }

    @Override
    public void run() {
        output.refuseExisting();
        Path ckpt = Checkpoints.besideOutput(output.out);
        Table data = dataOptions.load();
        Table testData = test == null ? null : DataSources.load(test, dataOptions.label, ImputePolicy.parse(dataOptions.impute));
        PrototypeNetwork net;
        PrototypeTrainer.Builder tb = PrototypeTrainer.builder();
        if (resume) {
            PrototypeCheckpoint state = Checkpoints.readState(ckpt, PrototypeCheckpoint.class);
            tb.fromSettings(state.training());
            net = PrototypeNetwork.fromConfig(state.model(), device.get(), state.training().optimizer().seed());
            System.err.printf("resuming from %s: %d of %d epochs done%n", ckpt, state.epochsCompleted(),
                    state.training().optimizer().epochs());
        } else {
            var cfg = training.build();
            LossWeights w = new LossWeights(lambdaClass, lambdaAe, lambda1, lambda2);
            tb.setConfig(cfg)
                    .optLossWeights(noPrototypeTerms ? w.withoutPrototypeTerms() : w)
                    .optElastic(elastic ? new ElasticDeformation(elasticSigma, elasticAlpha) : null, elasticFrom);
            net = PrototypeNetwork.builder().forData(data, latent, Activation.parse(activation)).optPrototypes(prototypes)
                    .optDevice(device.get()).optSeed(cfg.seed()).build();
        }
        StopSignal stop = new StopSignal(true);
        PrototypeTrainer trainer;
        try {
            trainer = tb.optCheckpointDir(ckpt).optResume(resume).optListener(new ConsoleProgress()).optStopSignal(stop).build();
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        // installed only once the settings are valid, as in `train`: the try below always marks it finished
        stop.installShutdownHook(120);
        try (net) {
            var cfg = trainer.settings().optimizer();
            System.err.printf("training a prototype network (%d prototypes, %d classes, %s code of %d) on %s: %d rows, %d epochs, %s%n",
                    net.prototypeCount(), net.classes().size(), net.config().architecture().getClass().getSimpleName(),
                    net.config().architecture().codeWidth(), data.source(), data.rows(), cfg.epochs(), Engines.describe());
            TrainingResult result;
            try {
                result = trainer.fit(net, data);
            } catch (TrainingInterruptedException e) {
                System.err.println("bottleneck: " + e.getMessage());
                stop.markFinished();
                throw e;
            }
            PrototypeFiles.save(net, output.out, output.overwrite, dir -> {
                ModelOutputs.writeHistory(dir.resolve("history.jsonl"), result.history());
                ModelOutputs.lossCurve(dir.resolve("loss.png"), result.history());
                PrototypePlots.writePrototypes(dir.resolve("prototypes.png"), net);
                PrototypePlots.writeWeights(dir.resolve("weights.png"), net);
            });
            AtomicFiles.deleteRecursively(ckpt);
            System.err.printf("done: %d epochs in %.1f s; model written to %s%n", result.history().size(), result.seconds(),
                    output.out.toAbsolutePath());
            if (testData != null) {
                Evaluation e = net.evaluate(testData);
                System.out.printf("test accuracy %.4f on %d rows of %s (cross-entropy %.4f, reconstruction %.4f)%n",
                        e.accuracy(), e.rows(), testData.source(), e.crossEntropy(), e.reconstruction());
            }
        } finally {
            stop.markFinished();
        }
    }
}

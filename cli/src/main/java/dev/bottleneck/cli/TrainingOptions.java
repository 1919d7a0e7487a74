package dev.bottleneck.cli;

import dev.bottleneck.train.TrainingConfig;
import picocli.CommandLine.Option;

/** Hyperparameters of a training run. */
final class TrainingOptions {
    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training rows (default 20).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Rows per step (default 128).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Peak learning rate (default 0.001).")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or adamw.")
    String optimizer;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (L2 for adam, decoupled for adamw).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant or cosine (decay to --min-lr).")
    String schedule;

    @Option(names = "--warmup-steps", defaultValue = "0", description = "Linear warm-up steps.")
    int warmup;

    @Option(names = "--min-lr", defaultValue = "0", description = "Final rate of the cosine schedule.")
    double minLr;

    @Option(names = "--clip-norm", defaultValue = "0", description = "Clip the global gradient norm (0 = off).")
    double clipNorm;

    @Option(names = "--patience", defaultValue = "0", description = "Early stopping: epochs without validation improvement (0 = off); the best weights are kept.")
    int patience;

    @Option(names = "--validation", defaultValue = "0.1", description = "Fraction of rows held out for validation, in [0, 1).")
    double validation;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, split, shuffling and noise.")
    long seed;

    TrainingConfig build() {
        return TrainingConfig.builder()
                .optEpochs(epochs)
                .optBatchSize(batchSize)
                .optLearningRate(lr)
                .optOptimizer(TrainingConfig.OptimizerKind.parse(optimizer))
                .optWeightDecay(weightDecay)
                .optSchedule(TrainingConfig.Schedule.parse(schedule))
                .optWarmupSteps(warmup)
                .optMinLearningRate(minLr)
                .optClipNorm(clipNorm)
                .optPatience(patience)
                .optValidationFraction(validation)
                .optSeed(seed)
                .build();
    }
}

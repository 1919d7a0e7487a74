package dev.bottleneck.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * Hyperparameters of one training run. Immutable; saved in {@code config.json} and in every
 * checkpoint so a run can be resumed and reproduced. Build with {@link #builder()}.
 *
 * @param epochs passes over the training rows
 * @param batchSize rows per step
 * @param learningRate peak learning rate
 * @param optimizer adam (L2 weight decay) or adamw (decoupled weight decay)
 * @param weightDecay weight decay coefficient
 * @param beta1 Adam β₁
 * @param beta2 Adam β₂
 * @param epsilon Adam ε
 * @param schedule constant, or cosine decay to {@code minLearningRate}
 * @param warmupSteps steps of linear warm-up from 0 to the peak rate
 * @param minLearningRate the cosine schedule's final rate
 * @param clipNorm clip the global gradient norm to this value (0 = off)
 * @param patience stop after this many epochs without validation improvement (0 = off)
 * @param minDelta the smallest decrease of validation loss that counts as improvement
 * @param validationFraction rows held out for validation, in [0, 1)
 * @param seed seeds initialisation, split, shuffling, dropout and noise
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        double learningRate,
        OptimizerKind optimizer,
        double weightDecay,
        double beta1,
        double beta2,
        double epsilon,
        Schedule schedule,
        int warmupSteps,
        double minLearningRate,
        double clipNorm,
        int patience,
        double minDelta,
        double validationFraction,
        long seed) {

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.optimizer = optimizer;
        b.weightDecay = weightDecay;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.schedule = schedule;
        b.warmupSteps = warmupSteps;
        b.minLearningRate = minLearningRate;
        b.clipNorm = clipNorm;
        b.patience = patience;
        b.minDelta = minDelta;
        b.validationFraction = validationFraction;
        b.seed = seed;
        return b;
    }

    /** Optimisers. */
    public enum OptimizerKind {
        ADAM,
        ADAMW;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static OptimizerKind parse(String s) {
            return dev.bottleneck.EnumIds.parse(OptimizerKind.class, s, "optimizer");
        }
    }

    /** Learning-rate schedules (after warm-up). */
    public enum Schedule {
        CONSTANT,
        COSINE;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Schedule parse(String s) {
            return dev.bottleneck.EnumIds.parse(Schedule.class, s, "schedule");
        }
    }

    /** DJL-style builder: every setting is optional ({@code opt*}) with a sensible default. */
    public static final class Builder {
        private int epochs = 20;
        private int batchSize = 128;
        private double learningRate = 1e-3;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private double weightDecay = 0;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private Schedule schedule = Schedule.CONSTANT;
        private int warmupSteps = 0;
        private double minLearningRate = 0;
        private double clipNorm = 0;
        private int patience = 0;
        private double minDelta = 0;
        private double validationFraction = 0.1;
        private long seed = 0;

        public Builder optEpochs(int v) { epochs = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optOptimizer(OptimizerKind v) { optimizer = v; return this; }
        public Builder optWeightDecay(double v) { weightDecay = v; return this; }
        public Builder optBetas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder optEpsilon(double v) { epsilon = v; return this; }
        public Builder optSchedule(Schedule v) { schedule = v; return this; }
        public Builder optWarmupSteps(int v) { warmupSteps = v; return this; }
        public Builder optMinLearningRate(double v) { minLearningRate = v; return this; }
        public Builder optClipNorm(double v) { clipNorm = v; return this; }
        public Builder optPatience(int v) { patience = v; return this; }
        public Builder optMinDelta(double v) { minDelta = v; return this; }
        public Builder optValidationFraction(double v) { validationFraction = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }

        /** Validates every setting and builds; a bad one is named with its allowed range. */
        public TrainingConfig build() {
            check(epochs >= 1, "epochs must be ≥ 1, got " + epochs);
            check(batchSize >= 1, "batch size must be ≥ 1, got " + batchSize);
            check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
            check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be ≥ 0, got " + weightDecay);
            check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
            check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
            check(epsilon > 0, "epsilon must be > 0, got " + epsilon);
            check(warmupSteps >= 0, "warm-up steps must be ≥ 0, got " + warmupSteps);
            check(minLearningRate >= 0 && minLearningRate <= learningRate,
                    "minimum learning rate must be in [0, learning rate], got " + minLearningRate);
            check(clipNorm >= 0 && Double.isFinite(clipNorm), "gradient clip norm must be ≥ 0 (0 = off), got " + clipNorm);
            check(patience >= 0, "patience must be ≥ 0 (0 = off), got " + patience);
            check(minDelta >= 0, "min delta must be ≥ 0, got " + minDelta);
            check(validationFraction >= 0 && validationFraction < 1,
                    "validation fraction must be in [0, 1), got " + validationFraction);
            check(patience == 0 || validationFraction > 0,
                    "early stopping (patience " + patience + ") needs a validation fraction > 0");
            return new TrainingConfig(epochs, batchSize, learningRate, optimizer, weightDecay, beta1, beta2,
                    epsilon, schedule, warmupSteps, minLearningRate, clipNorm, patience, minDelta,
                    validationFraction, seed);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new BottleneckException(message);
            }
        }
    }
}

package dev.bottleneck.cli.bench;

import dev.bottleneck.train.TrainingListener;

import java.util.function.IntUnaryOperator;

/**
 * Timestamps the end of every training step, so throughput can be computed per repetition of
 * {@code stepsPerRep} steps after {@code warmup} steps that are not timed (JIT compilation,
 * allocator growth and libtorch's first-call kernel selection all land in the warm-up).
 */
final class StepClock {
    private final int warmup;
    private final int stepsPerRep;
    private final int reps;
    private final long[] ends;
    private final int[] samples;
    private long start;
    private int seen;

    StepClock(int warmup, int stepsPerRep, int reps) {
        this.warmup = warmup;
        this.stepsPerRep = stepsPerRep;
        this.reps = reps;
        this.ends = new long[totalSteps()];
        this.samples = new int[totalSteps()];
    }

    int warmup() {
        return warmup;
    }

    int stepsPerRep() {
        return stepsPerRep;
    }

    int totalSteps() {
        return warmup + stepsPerRep * reps;
    }

    void start() {
        start = System.nanoTime();
    }

    /**
     * A trainer listener that starts the clock with the first epoch and records each batch,
     * {@code rowsOfBatch} giving the rows of batch number b (1-based).
     */
    TrainingListener listener(IntUnaryOperator rowsOfBatch) {
        return new TrainingListener() {
            @Override
            public void onEpochStart(int epoch, int total, int batches, int firstBatch) {
                if (epoch == 1) {
                    start();
                }
            }

            @Override
            public void onBatch(int epoch, int b, double loss) {
                step(rowsOfBatch.applyAsInt(b));
            }
        };
    }

    /** Records a finished step of {@code rows} samples; steps beyond the planned number are ignored. */
    void step(int rows) {
        if (seen < ends.length) {
            ends[seen] = System.nanoTime();
            samples[seen] = rows;
            seen++;
        }
    }

    /** Samples per second of each timed repetition. */
    double[] throughput() {
        if (seen < ends.length) {
            throw new IllegalStateException("only " + seen + " of " + ends.length + " steps ran");
        }
        double[] out = new double[reps];
        for (int r = 0; r < reps; r++) {
            int first = warmup + r * stepsPerRep;
            long from = first == 0 ? start : ends[first - 1];
            long rows = 0;
            for (int i = first; i < first + stepsPerRep; i++) {
                rows += samples[i];
            }
            out[r] = rows / ((ends[first + stepsPerRep - 1] - from) / 1e9);
        }
        return out;
    }
}

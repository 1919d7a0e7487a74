package dev.bottleneck.cluster;

import dev.bottleneck.BottleneckException;

/**
 * Settings shared by DEC and the DEPICT-style objective.
 *
 * @param updateInterval optimiser steps between target-distribution updates (T)
 * @param tolerance stop when fewer than this share of rows change cluster between updates (DEC: 0.001)
 * @param maxIterations optimiser steps at most
 * @param batchSize rows per step
 * @param learningRate Adam's learning rate
 * @param seed seeds the row order
 */
public record DeepClusteringConfig(int updateInterval, double tolerance, int maxIterations, int batchSize,
        double learningRate, long seed) {

    public static Builder builder() {
        return new Builder();
    }

    /** DJL-style builder; every setting optional with DEC's defaults (T = 140 steps of 256 rows, 0.1 %). */
    public static final class Builder {
        private int updateInterval = 140;
        private double tolerance = 0.001;
        private int maxIterations = 20_000;
        private int batchSize = 256;
        private double learningRate = 1e-4;
        private long seed;

        public Builder optUpdateInterval(int v) { updateInterval = v; return this; }
        public Builder optTolerance(double v) { tolerance = v; return this; }
        public Builder optMaxIterations(int v) { maxIterations = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }

        public DeepClusteringConfig build() {
            if (updateInterval < 1) {
                throw new BottleneckException("the target update interval must be 1 or more steps, got " + updateInterval);
            }
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new BottleneckException("the stopping tolerance must be in [0, 1), got " + tolerance);
            }
            if (maxIterations < 1) {
                throw new BottleneckException("max iterations must be 1 or more, got " + maxIterations);
            }
            if (batchSize < 1) {
                throw new BottleneckException("batch size must be 1 or more, got " + batchSize);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new BottleneckException("learning rate must be > 0, got " + learningRate);
            }
            return new DeepClusteringConfig(updateInterval, tolerance, maxIterations, batchSize, learningRate, seed);
        }
    }
}

package dev.bottleneck.cluster;

import java.util.List;

/**
 * The outcome of a deep clustering run (DEC or DEPICT-style).
 *
 * @param assignments the most probable cluster of every row at the end
 * @param probabilities the soft assignments at the end, rows × k
 * @param history one entry per target update
 * @param iterations optimiser steps taken
 * @param converged whether it stopped because fewer than the tolerance of rows changed cluster
 *     between two target updates (otherwise it ran out of iterations)
 */
public record DeepClusteringResult(int[] assignments, float[][] probabilities, List<TargetUpdate> history,
        int iterations, boolean converged) {

    /**
     * One target update.
     *
     * @param iteration optimiser steps taken before it
     * @param changed share of rows whose cluster changed since the previous update
     * @param lossAtUpdate the clustering loss (KL) over all rows right after the new target was set
     * @param lossAtEnd the same loss against the same target after the interval's steps (NaN for
     *     the last update, which has no interval)
     */
    public record TargetUpdate(int iteration, double changed, double lossAtUpdate, double lossAtEnd) {}
}

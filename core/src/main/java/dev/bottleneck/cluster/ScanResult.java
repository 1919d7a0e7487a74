package dev.bottleneck.cluster;

/**
 * What a {@link Scan} run found.
 *
 * @param assignments most probable cluster of every row, from the kept head
 * @param probabilities the kept head's cluster probabilities, one row of k per input row
 * @param head which head was kept (0-based): the one with the lowest loss
 * @param screeningLosses every head's loss after the screening epochs (NaN for all when there was
 *     no screening, and for heads a stop request kept from being trained)
 * @param finalLosses the loss of each head trained for all epochs (NaN for heads screened out)
 * @param consistency the kept head's mean −log(p_i · p_j) over every row i and neighbour j
 * @param sizeEntropy entropy (nats) of the kept head's mean cluster probabilities; log k when the
 *     clusters are equally large
 * @param stopped a stop request (Ctrl-C) ended training early; the best head so far was kept
 *
 * <p>Losses are over all rows and all their neighbours: consistency − entropy weight × size entropy.
 */
public record ScanResult(int[] assignments, float[][] probabilities, int head, double[] screeningLosses,
        double[] finalLosses, double consistency, double sizeEntropy, boolean stopped) {}

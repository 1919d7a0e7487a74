package dev.bottleneck.bottleneck;

import dev.bottleneck.BottleneckException;

/**
 * The memory module of the memory-augmented autoencoder (MemAE; Gong et al., "Memorizing
 * Normality to Detect Anomaly", ICCV 2019): the code is replaced by a sparse convex combination of
 * {@code slots} learned prototype codes, so anomalies — which no combination of normal prototypes
 * fits — reconstruct badly.
 *
 * @param slots N, the number of memory items (≥ 1)
 * @param shrinkThreshold λ of the hard shrinkage on the addressing weights, in [0, 1); weights
 *     below it are set to 0. The paper uses values in [1/N, 3/N]
 * @param entropyWeight α, the weight of the entropy of the addressing weights added to the loss
 *     (≥ 0; the paper uses 0.0002), which pushes each row to use few items
 */
public record MemorySpec(int slots, double shrinkThreshold, double entropyWeight) implements BottleneckSpec {

    /** N slots with λ = 1/N and α = 0.0002. */
    public static MemorySpec of(int slots) {
        return new MemorySpec(slots, slots > 0 ? 1.0 / slots : 0, 2e-4);
    }

    @Override
    public void validate() {
        if (slots < 1) {
            throw new BottleneckException("memory slots must be a positive whole number, got " + slots);
        }
        if (!(shrinkThreshold >= 0 && shrinkThreshold < 1)) {
            throw new BottleneckException("memory shrink threshold must be in [0, 1), got " + shrinkThreshold);
        }
        if (!(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
            throw new BottleneckException("memory entropy weight must be a finite number ≥ 0, got " + entropyWeight);
        }
    }

    @Override
    public Bottleneck create(int latent) {
        return new MemoryBottleneck(this, latent);
    }
}

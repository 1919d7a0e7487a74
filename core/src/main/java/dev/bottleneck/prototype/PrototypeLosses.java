package dev.bottleneck.prototype;

import ai.djl.ndarray.NDArray;

/**
 * The prototype layer's arithmetic as engine operations, kept apart from the network so that
 * each formula can be checked on a case small enough to work out by hand.
 */
public final class PrototypeLosses {
    private PrototypeLosses() {}

    /**
     * Squared L2 distances between every row of {@code a} (N × k) and every row of {@code b}
     * (m × k): N × m, by ‖a‖² + ‖b‖² − 2·a·bᵀ (one matrix product, as the reference code), clamped
     * at 0 against rounding.
     */
    public static NDArray squaredDistances(NDArray a, NDArray b) {
        NDArray aa = a.square().sum(new int[] {1}, true);
        NDArray bb = b.square().sum(new int[] {1}).reshape(1, -1);
        return aa.add(bb).sub(a.matMul(b.transpose()).mul(2f)).maximum(0f);
    }

    /**
     * R1: for each prototype, the distance to its nearest encoded example in the batch, averaged
     * over prototypes — small when every prototype sits on some real example (so it decodes to
     * something that looks like one).
     *
     * @param distances N × m, examples by prototypes
     */
    public static NDArray r1(NDArray distances) {
        return distances.min(new int[] {0}).mean();
    }

    /**
     * R2: for each encoded example, the distance to its nearest prototype, averaged over examples —
     * small when every example is near some prototype (so prototypes cover the data).
     *
     * @param distances N × m, examples by prototypes
     */
    public static NDArray r2(NDArray distances) {
        return distances.min(new int[] {1}).mean();
    }

    /** Mean softmax cross-entropy of logits (N × C) against class indices (N, int). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        NDArray oneHot = labels.oneHot((int) logits.getShape().get(1)).toType(logp.getDataType(), false);
        return logp.mul(oneHot).sum(new int[] {1}).mean().neg();
    }

    /** Squared error summed over features, averaged over rows (the reference code's ae_error). */
    public static NDArray reconstruction(NDArray x, NDArray xHat) {
        return xHat.sub(x).square().sum(new int[] {1}).mean();
    }
}

package dev.bottleneck.prototype;

import dev.bottleneck.BottleneckException;

/**
 * The weights of the four loss terms: λ_class·CE + λ_ae·reconstruction + λ₁·R1 + λ₂·R2.
 *
 * @param classification λ_class, weight of the cross-entropy (paper: 20)
 * @param reconstruction λ_ae, weight of the squared reconstruction error summed over features (paper: 1)
 * @param r1 λ₁, weight of R1, which pulls every prototype towards some encoded example (paper: 1)
 * @param r2 λ₂, weight of R2, which pulls every encoded example towards some prototype (paper: 1)
 */
public record LossWeights(double classification, double reconstruction, double r1, double r2) {
    /** The paper's weights: 20, 1, 1, 1. */
    public static final LossWeights PAPER = new LossWeights(20, 1, 1, 1);

    /** The paper's weights without R1 and R2: the ablation whose prototypes decode to noise. */
    public LossWeights withoutPrototypeTerms() {
        return new LossWeights(classification, reconstruction, 0, 0);
    }

    /** Checks that every weight is finite and ≥ 0, naming the first bad one. */
    public void validate() {
        check("classification weight (λ_class)", classification);
        check("reconstruction weight (λ_ae)", reconstruction);
        check("R1 weight (λ1)", r1);
        check("R2 weight (λ2)", r2);
        if (classification == 0) {
            throw new BottleneckException("classification weight (λ_class) must be > 0: without it nothing learns the classes");
        }
    }

    private static void check(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new BottleneckException(name + " must be a finite number ≥ 0, got " + v);
        }
    }
}

package dev.bottleneck.interpret.sae;

import dev.bottleneck.BottleneckException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The sparse activation between encoder and decoder — what makes each SAE variant a variant. */
public enum SaeArchitecture {
    /** Keep the k largest pre-activations (after ReLU) per token; AuxK revives dead latents. */
    TOPK("topk"),
    /** ReLU with an L1 penalty on activations weighted by decoder row norms. */
    RELU("relu"),
    /**
     * Per-latent learned threshold θ: z = pre·H(pre − θ), trained with an L0 penalty through
     * straight-through pseudo-gradients (Rajamanoharan et al. 2024).
     */
    JUMPRELU("jumprelu"),
    /**
     * Training keeps the k·B largest activations of a whole batch of B tokens (Bussmann et al.
     * 2024); inference uses a global threshold estimated during training, like a JumpReLU.
     */
    BATCHTOPK("batchtopk"),
    /**
     * Gradient TopK (g-SAE, Olmo et al. 2024): training picks the k latents by activation weighted
     * with the downstream gradient's projection on their decoder rows; without a gradient
     * (inference, {@code sae eval}) it is plain TopK.
     */
    GTOPK("gtopk");

    private final String id;

    SaeArchitecture(String id) {
        this.id = id;
    }

    /** The name used in config.json and on the command line. */
    public String id() {
        return id;
    }

    /** True when exactly (TopK, g-SAE) or on average (BatchTopK) k latents fire per token. */
    public boolean usesK() {
        return this == TOPK || this == BATCHTOPK || this == GTOPK;
    }

    /**
     * The peak learning rate {@code sae train} uses unless told otherwise: 3e-3 for BatchTopK,
     * which measured held-out FVU 0.1100 against 0.1115 at 2e-3 on MiniLM block 3 at 1M tokens ×
     * 8 epochs (batch 1024, cosine decay; at the default batch 512 with 1,000 warm-up steps,
     * 0.109); 2e-3, the rate of the bar, for the others (BENCHMARKS.md).
     */
    public double defaultLearningRate() {
        return this == BATCHTOPK ? 3e-3 : 2e-3;
    }

    /** The name of the loss term beside the reconstruction, as training history records it. */
    public String penaltyName() {
        return switch (this) {
            case RELU -> "l1";
            case JUMPRELU -> "l0_loss";
            default -> "auxk";
        };
    }

    public static SaeArchitecture parse(String s) {
        for (SaeArchitecture a : values()) {
            if (a.id.equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        throw new BottleneckException("SAE architecture \"" + s + "\" is not known; expected one of "
                + Arrays.stream(values()).map(SaeArchitecture::id).collect(Collectors.joining(", ")));
    }
}

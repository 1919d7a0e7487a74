package dev.bottleneck.interpret.sae;

import dev.bottleneck.BottleneckException;

import java.util.Locale;

/** The sparse activation between encoder and decoder — what makes each SAE variant a variant. */
public enum SaeArchitecture {
    /** Keep the k largest pre-activations (after ReLU) per token; AuxK revives dead latents. */
    TOPK,
    /** ReLU with an L1 penalty on activations weighted by decoder row norms. */
    RELU;

    /** The name used in config.json and by SAELens ({@code topk}, {@code standard}). */
    public String id() {
        return this == TOPK ? "topk" : "relu";
    }

    public static SaeArchitecture parse(String s) {
        for (SaeArchitecture a : values()) {
            if (a.id().equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        throw new BottleneckException("SAE architecture \"" + s + "\" is not known; expected topk or relu");
    }
}

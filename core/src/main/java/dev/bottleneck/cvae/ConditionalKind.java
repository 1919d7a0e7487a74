package dev.bottleneck.cvae;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.EnumIds;

/** The two models of the completion experiment: the conditional VAE and its deterministic baseline. */
public enum ConditionalKind {
    /** Recognition q(z|x,y), conditional prior p(z|x), generator p(y|x,z), hybrid objective. */
    CVAE,
    /** The paper's baseline: one network ŷ = f(x) trained with the same Bernoulli likelihood. */
    BASELINE;

    @JsonValue
    public String id() {
        return EnumIds.id(this);
    }

    @JsonCreator
    public static ConditionalKind parse(String s) {
        return EnumIds.parse(ConditionalKind.class, s, "conditional model kind");
    }
}

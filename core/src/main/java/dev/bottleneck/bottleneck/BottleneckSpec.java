package dev.bottleneck.bottleneck;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Serialisable description of a bottleneck, stored in {@code config.json} under {@code
 * bottleneck} with a {@code type} key. A family added later registers its type name here.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = IdentitySpec.class, name = "identity"),
    @JsonSubTypes.Type(value = ContractiveSpec.class, name = "contractive"),
    @JsonSubTypes.Type(value = GaussianSpec.class, name = "gaussian"),
    @JsonSubTypes.Type(value = MemorySpec.class, name = "memory"),
    @JsonSubTypes.Type(value = ActivationSpec.class, name = "activation")
})
public interface BottleneckSpec {
    /** Checks every setting, naming the first bad one. */
    void validate();

    /** A new bottleneck for a code of {@code latent} values. */
    Bottleneck create(int latent);
}

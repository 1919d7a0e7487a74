package dev.bottleneck.prototype;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The autoencoder under a prototype network: an encoder to a code of {@link #codeWidth()} values,
 * on which the prototype layer sits, and a decoder back to the input. Stored in {@code
 * config.json} under {@code architecture} with a {@code type} key.
 *
 * <p>Why not the autoencoders' {@code ArchitectureSpec}: the paper's convolutional encoder has no
 * linear layer — the code is the last feature map flattened — which {@code ConvSpec} always adds.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ConvCoderSpec.class, name = "conv"),
    @JsonSubTypes.Type(value = DenseCoderSpec.class, name = "dense")
})
public sealed interface CoderSpec permits ConvCoderSpec, DenseCoderSpec {
    /** Values in one input row. */
    @JsonIgnore
    int inputWidth();

    /** Width of the code the prototypes live in. */
    @JsonIgnore
    int codeWidth();

    /** Shape of one example as the encoder sees it: (d) or (c, h, w). */
    @JsonIgnore
    Shape exampleShape();

    /** {c, h, w} when inputs are images (decoded prototypes are drawn as pictures), else null. */
    @JsonIgnore
    int[] imageShape();

    /** Maps (N, exampleShape) to (N, codeWidth). */
    SequentialBlock newEncoder();

    /** Maps (N, codeWidth) to (N, exampleShape). */
    SequentialBlock newDecoder();

    /** Checks every field, naming the first bad one. */
    void validate();
}

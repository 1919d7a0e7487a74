package dev.bottleneck.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The encoder and decoder networks: which layers, how wide. The input of the encoder and the
 * output of the decoder are always flat rows of {@link #inputWidth()} values; an architecture that
 * wants another layout (images as C×H×W) reshapes inside its own networks.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DenseSpec.class, name = "dense"),
    @JsonSubTypes.Type(value = ConvSpec.class, name = "conv")
})
public sealed interface ArchitectureSpec permits DenseSpec, ConvSpec {
    /** Width of the code the encoder produces (before the bottleneck). */
    int latent();

    /** Activation of the decoder's last layer. */
    dev.bottleneck.nn.Activation output();

    /** Number of values in one input row. */
    int inputWidth();

    /** Shape of one input example as the encoder sees it: (d) or (c, h, w). */
    @JsonIgnore
    Shape exampleShape();

    /**
     * Builds a new encoder mapping (N, exampleShape) to (N, encoderOutputWidth). The bottleneck
     * sits between this and the decoder.
     */
    SequentialBlock newEncoder(int encoderOutputWidth);

    /**
     * Builds a new decoder mapping (N, latent) to (N, exampleShape) — or, when the objective
     * predicts {@code outputsPerValue} numbers per input value (a mean and a log-variance), to that
     * many times the channels (conv) or the width (dense), the extra ones after the first set.
     */
    SequentialBlock newDecoder(int outputsPerValue);

    /**
     * Checks every field, naming the first bad one.
     *
     * @throws dev.bottleneck.BottleneckException when a size is out of range
     */
    void validate();
}

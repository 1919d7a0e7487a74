package dev.bottleneck.bottleneck;

import ai.djl.ndarray.NDArray;

import java.util.function.UnaryOperator;

/**
 * What a bottleneck sees on one forward pass.
 *
 * @param input the (possibly corrupted) encoder input, N × d flat rows
 * @param encoded the encoder output, N × encoderOutputWidth
 * @param training whether this pass trains (sample, add noise, compute penalties) or infers
 * @param encoder the encoder as a function, for penalties that probe it (Jacobian estimates)
 */
public record BottleneckInput(
        NDArray input, NDArray encoded, boolean training, UnaryOperator<NDArray> encoder) {}

package dev.bottleneck.spark;

import java.io.Serializable;

/**
 * The state every worker starts a round from, broadcast by the driver: weights and Adam moments as
 * safetensors bytes (tensor names as in model.safetensors and PyTorch's optimizer state), and the
 * global step.
 *
 * @param weights the averaged weights
 * @param adam the averaged Adam moments, or null before the first step
 * @param step synchronous steps completed
 */
record RoundState(byte[] weights, byte[] adam, long step) implements Serializable {}

package dev.bottleneck.spark;

import java.io.Serializable;

/**
 * What one worker hands back after a round.
 *
 * @param partition the partition it trained on
 * @param weights its weights after the round's local steps (safetensors)
 * @param adam its Adam moments (safetensors)
 * @param lossSum sum of its steps' losses
 * @param steps local steps taken
 */
record WorkerResult(int partition, byte[] weights, byte[] adam, double lossSum, int steps) implements Serializable {}

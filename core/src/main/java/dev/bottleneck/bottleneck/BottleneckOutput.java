package dev.bottleneck.bottleneck;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * The code the decoder reads and the bottleneck's own loss terms (already weighted, each a
 * scalar), which the objective adds to the reconstruction loss. Names appear in the history.
 *
 * @param code N × latent
 * @param penalties named scalar loss terms; empty for a plain autoencoder
 */
public record BottleneckOutput(NDArray code, Map<String, NDArray> penalties) {
    public BottleneckOutput {
        penalties = Map.copyOf(penalties);
    }

    public static BottleneckOutput of(NDArray code) {
        return new BottleneckOutput(code, Map.of());
    }
}

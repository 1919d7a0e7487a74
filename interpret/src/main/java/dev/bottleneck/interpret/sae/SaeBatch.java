package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;

/**
 * One training step's rows, in scaled space.
 *
 * @param input what the encoder reads (rows × d_in)
 * @param target what the decoder should output (rows × d_out): the input itself for an SAE
 * @param gradient the downstream objective's gradient at the input (rows × d_in) for gradient
 *     TopK; null otherwise
 */
public record SaeBatch(NDArray input, NDArray target, NDArray gradient) {}

package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;

/**
 * One pass of an SAE over a batch (rows × d_in, already scaled).
 *
 * @param pre encoder pre-activations (rows × d_sae)
 * @param code the sparse code (rows × d_sae)
 * @param reconstruction rows × d_in
 * @param batchCut BatchTopK in training: the batch's cut (a scalar; the smallest activation kept when
 *     positive); null otherwise
 */
public record SaeForward(NDArray pre, NDArray code, NDArray reconstruction, NDArray batchCut) {
    public SaeForward(NDArray pre, NDArray code, NDArray reconstruction) {
        this(pre, code, reconstruction, null);
    }
}

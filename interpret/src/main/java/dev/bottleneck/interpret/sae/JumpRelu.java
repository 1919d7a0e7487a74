package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * JumpReLU and its Heaviside step with the straight-through pseudo-derivatives of Rajamanoharan
 * et al. (2024), "Jumping Ahead". With K the rectangle kernel (1 on (−½, ½), else 0) and ε the
 * bandwidth, for pre-activations z (rows × d_sae) and thresholds θ (d_sae):
 * <pre>
 *   JumpReLU(z) = z·H(z − θ)   ∂/∂z = H(z − θ)   ∂/∂θ := −(θ/ε)·K((z − θ)/ε)
 *   H(z − θ)                   ∂/∂z = 0          ∂/∂θ := −(1/ε)·K((z − θ)/ε)
 * </pre>
 *
 * <p>How, without custom autograd functions (DJL has none): the output is the exact value plus a
 * term that is zero in value but carries the wanted derivative. {@code θ − stop(θ)} is 0 yet has
 * derivative 1 with respect to θ; multiplied by a constant c (computed from stopped values) it
 * adds c to ∂/∂θ and nothing to the value. So
 * <pre>
 *   JumpReLU = z·mask + c₁·(θ − stop(θ)),  c₁ = −stop(θ)/ε · K     (mask = H(z − θ) is a comparison: no gradient)
 *   H        =   mask + c₂·(θ − stop(θ)),  c₂ = −1/ε · K
 * </pre>
 * z·mask gives ∂/∂z = mask; K and the mask depend on z only through comparisons, so the step
 * gets no gradient with respect to z, as in the paper. Broadcasting θ over the rows makes
 * autograd sum the per-row terms, which is the paper's sum over the batch. θ itself is
 * exp(log θ), so the gradient reaches {@code log_threshold} through the chain rule.
 */
final class JumpRelu {
    private JumpRelu() {}

    /** z·H(z − θ) with the pseudo-derivative for θ. */
    static NDArray activate(NDArray pre, NDArray theta, double bandwidth) {
        NDArray fixed = theta.stopGradient();
        NDArray c = kernel(pre, fixed, bandwidth).mul(fixed).div((float) -bandwidth);
        return pre.mul(mask(pre, theta)).add(c.mul(theta.sub(fixed)));
    }

    /** H(z − θ) with the pseudo-derivative for θ (and none for z). */
    static NDArray step(NDArray pre, NDArray theta, double bandwidth) {
        NDArray fixed = theta.stopGradient();
        NDArray c = kernel(pre, fixed, bandwidth).div((float) -bandwidth);
        return mask(pre, theta).add(c.mul(theta.sub(fixed)));
    }

    /** H(z − θ) as 0/1 floats (a comparison, so no gradient). */
    static NDArray mask(NDArray pre, NDArray theta) {
        return pre.gt(theta).toType(DataType.FLOAT32, false);
    }

    /** K((z − θ)/ε): 1 where |z − θ| < ε/2. */
    private static NDArray kernel(NDArray pre, NDArray theta, double bandwidth) {
        return pre.stopGradient().sub(theta).abs().lt((float) (bandwidth / 2)).toType(DataType.FLOAT32, false);
    }
}

package dev.bottleneck.bottleneck;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * Adds λ·E‖J_f(x)‖²_F to the loss, where f is the encoder.
 *
 * <p>Why an estimate: the exact Frobenius norm needs one backward pass per code unit (or
 * double back-propagation), which the engine's Java API does not expose. For a random direction
 * u ~ N(0, I), E‖J u‖² = ‖J‖²_F, and J u ≈ (f(x + εu) − f(x)) / ε. The estimate is unbiased up to
 * the finite-difference error (exact for a linear encoder), differentiable through both encoder
 * passes, and works for any encoder — dense or convolutional.
 */
final class ContractiveBottleneck implements Bottleneck {
    private final ContractiveSpec spec;

    ContractiveBottleneck(ContractiveSpec spec) {
        this.spec = spec;
    }

    @Override
    public BottleneckSpec spec() {
        return spec;
    }

    @Override
    public BottleneckOutput apply(BottleneckInput in) {
        if (!in.training() || spec.weight() == 0) {
            return BottleneckOutput.of(in.encoded());
        }
        return new BottleneckOutput(
                in.encoded(),
                // a float weight: a double would make the 0-dim product (and the total loss) float64
                Map.of("contractive", penalty(in).mul((float) spec.weight())));
    }

    /** Mean over the batch of the estimated squared Frobenius norm of the encoder Jacobian. */
    NDArray penalty(BottleneckInput in) {
        NDArray x = in.input();
        float eps = (float) spec.epsilon();
        NDArray total = null;
        for (int s = 0; s < spec.samples(); s++) {
            NDArray u = x.getManager().randomNormal(x.getShape());
            NDArray shifted = in.encoder().apply(x.add(u.mul(eps)));
            NDArray jvp = shifted.sub(in.encoded()).div(eps);
            NDArray sq = jvp.square().sum(new int[] {1}).mean();
            total = total == null ? sq : total.add(sq);
        }
        return total.div(spec.samples());
    }
}

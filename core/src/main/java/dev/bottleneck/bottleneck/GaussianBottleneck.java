package dev.bottleneck.bottleneck;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import java.util.Map;

/**
 * Gaussian sample plus KL term; see {@link GaussianSpec}. The encoder's output row is
 * [μ₁ … μ_L, log σ²₁ … log σ²_L].
 *
 * <p>Public so that evaluation and generation code ({@code dev.bottleneck.vae}) reads μ and log σ²
 * exactly as training does, clamp included.
 */
public final class GaussianBottleneck implements Bottleneck {
    private final GaussianSpec spec;
    private final int latent;
    /**
     * The optimizer step the trainer is about to take, for the KL warm-up. Training-only state:
     * inference never reads it, so scoring threads may share the model.
     */
    private volatile long step;

    GaussianBottleneck(GaussianSpec spec, int latent) {
        this.spec = spec;
        this.latent = latent;
    }

    @Override
    public GaussianSpec spec() {
        return spec;
    }

    public int latent() {
        return latent;
    }

    @Override
    public int encoderOutputWidth(int latent) {
        return 2 * latent;
    }

    @Override
    public void setTrainingStep(long step) {
        this.step = step;
    }

    /** μ: the first half of the encoder output, N × latent. */
    public NDArray mean(NDArray encoded) {
        return encoded.get(new NDIndex(":, 0:{}", latent));
    }

    /** log σ², clamped: the second half of the encoder output, N × latent. */
    public NDArray logVariance(NDArray encoded) {
        return encoded.get(new NDIndex(":, {}:", latent)).clip(spec.logVarMin(), spec.logVarMax());
    }

    /** KL(N(μ, σ²) ‖ N(0, I)) of each row in nats: ½ Σ (μ² + σ² − 1 − log σ²), shape (N). */
    public static NDArray klPerRow(NDArray mean, NDArray logVar) {
        return mean.square().add(logVar.exp()).sub(1f).sub(logVar).sum(new int[] {1}).mul(0.5f);
    }

    @Override
    public BottleneckOutput apply(BottleneckInput in) {
        NDArray mu = mean(in.encoded());
        if (!in.training()) {
            return BottleneckOutput.of(mu);
        }
        NDArray logVar = logVariance(in.encoded());
        NDArray eps = mu.getManager().randomNormal(mu.getShape());
        NDArray z = mu.add(logVar.mul(0.5f).exp().mul(eps));
        // a float weight: a double would make the 0-dim product (and the total loss) float64
        NDArray kl = klPerRow(mu, logVar).mean().mul((float) spec.klWeight(step));
        return new BottleneckOutput(z, Map.of("kl", kl));
    }
}

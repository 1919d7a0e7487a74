package dev.bottleneck.interpret.sae;

/**
 * Reconstruction and sparsity of an SAE on a set of activations.
 *
 * @param fvu fraction of variance unexplained: Σ‖x − x̂‖² / Σ‖x − x̄‖², with x̄ the mean of the
 *     evaluated rows (variance around the mean, not around zero); explained variance = 1 − fvu
 * @param l0 mean number of active latents per token
 * @param deadFraction latents that never fire on these rows
 * @param denseFraction latents that fire on more than 10 % of these rows
 * @param density each latent's firing frequency on these rows
 */
public record SaeMetrics(long rows, double fvu, double l0, double deadFraction, double denseFraction, double[] density) {

    public double explainedVariance() {
        return 1 - fvu;
    }
}

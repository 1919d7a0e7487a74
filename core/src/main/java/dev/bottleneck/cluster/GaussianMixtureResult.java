package dev.bottleneck.cluster;

/**
 * A fitted Gaussian mixture's clustering.
 *
 * @param assignments most likely component of every row
 * @param logLikelihood mean log-likelihood per row of the fitted mixture (NaN when EM failed)
 * @param converged EM stopped because the log-likelihood settled, not at the iteration cap
 * @param failure why EM could not run and the k-means clusters were kept, or {@code null}
 */
public record GaussianMixtureResult(int[] assignments, double logLikelihood, boolean converged, String failure) {}

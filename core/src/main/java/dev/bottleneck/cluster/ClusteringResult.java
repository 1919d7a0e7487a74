package dev.bottleneck.cluster;

/**
 * A clustering of a table's rows.
 *
 * @param method how it was found
 * @param assignments cluster (0..k−1) of every row, in input order
 * @param codes the representation the clusters were found in, one row per input row (N2D, SCAN: the UMAP
 *     embedding)
 * @param kmeans the k-means run on {@code codes} (for DEC and DEPICT: the starting point; for N2D and SCAN:
 *     k-means on the autoencoder's code, before UMAP)
 * @param deep the DEC / DEPICT run, or {@code null} for the other methods
 * @param mixture N2D's Gaussian mixture in the UMAP embedding, or {@code null} for the other methods
 * @param scan SCAN's run on the UMAP embedding, or {@code null} for the other methods
 * @param seconds wall-clock time of the whole fit
 */
public record ClusteringResult(ClusterMethod method, int[] assignments, float[][] codes, KMeansResult kmeans,
        DeepClusteringResult deep, GaussianMixtureResult mixture, ScanResult scan, double seconds) {

    public int k() {
        return kmeans.k();
    }
}

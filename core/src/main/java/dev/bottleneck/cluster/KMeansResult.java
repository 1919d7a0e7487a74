package dev.bottleneck.cluster;

/**
 * A fitted k-means clustering: the best of the restarts.
 *
 * @param centroids k × d cluster centres
 * @param assignments the nearest centre of every fitted row
 * @param inertia sum of squared distances of the rows to their centres
 * @param iterations Lloyd iterations the best restart took
 * @param restarts how many restarts were run
 */
public record KMeansResult(float[][] centroids, int[] assignments, double inertia, int iterations, int restarts) {
    public int k() {
        return centroids.length;
    }
}

package dev.bottleneck.manifold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.cluster.KMeans;
import dev.bottleneck.metrics.ClusterAgreement;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** UMAP end to end on data with a known structure. */
class UmapTest {
    /** Four Gaussian blobs in 30 dimensions whose centres are only 3 standard deviations apart per axis. */
    static float[][] blobs(int perBlob, long seed, int[] truth) {
        Random random = new Random(seed);
        float[][] centres = new float[4][30];
        for (float[] c : centres) {
            for (int j = 0; j < c.length; j++) {
                c[j] = (float) (random.nextGaussian() * 1.5);
            }
        }
        float[][] x = new float[4 * perBlob][30];
        for (int i = 0; i < x.length; i++) {
            truth[i] = i % 4;
            for (int j = 0; j < 30; j++) {
                x[i][j] = centres[i % 4][j] + (float) random.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void keepsBlobsApartAndEachPointsNeighboursNearIt() {
        int[] truth = new int[400];
        float[][] x = blobs(100, 5, truth);
        float[][] e = Umap.builder().optSeed(1).build().fit(x);
        assertEquals(400, e.length);
        assertEquals(2, e[0].length);
        int[] found = KMeans.builder().setK(4).optSeed(0).build().fit(e).assignments();
        assertEquals(1.0, ClusterAgreement.accuracy(truth, found), 1e-9, "k-means in 2-D should recover the blobs");
        // of each point's 10 nearest in the input, how many stay among its 10 nearest in 2-D; a random
        // layout keeps 10 / 399 of them, one that only kept blobs apart about 10 / 99
        double kept = neighbourOverlap(x, e, 10);
        assertTrue(kept > 0.25, "neighbourhoods kept: " + kept);
    }

    @Test
    void sameSeedSameEmbeddingAnotherSeedAnother() {
        int[] truth = new int[200];
        float[][] x = blobs(50, 2, truth);
        float[][] a = Umap.builder().optComponents(3).optMinDist(0).optEpochs(50).optSeed(4).build().fit(x);
        float[][] b = Umap.builder().optComponents(3).optMinDist(0).optEpochs(50).optSeed(4).build().fit(x);
        float[][] c = Umap.builder().optComponents(3).optMinDist(0).optEpochs(50).optSeed(5).build().fit(x);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(a[i], b[i]);
        }
        assertFalse(Arrays.equals(a[0], c[0]));
    }

    @Test
    void aStopRequestEndsTheLayoutAfterTheEpochItCameIn() {
        int[] truth = new int[200];
        float[][] x = blobs(50, 2, truth);
        java.util.List<Integer> epochs = new java.util.ArrayList<>();
        float[][] e = Umap.builder().optEpochs(300).optProgress(epochs::add).optStopWhen(() -> epochs.size() >= 3)
                .build().fit(x);
        assertEquals(java.util.List.of(1, 2, 3), epochs);
        assertEquals(200, e.length);
    }

    @Test
    void badSettingsAndRaggedRowsAreOneSentence() {
        assertThrows(BottleneckException.class, () -> Umap.builder().optNeighbours(1).build());
        assertThrows(BottleneckException.class, () -> Umap.builder().optMinDist(2).optSpread(1).build());
        assertThrows(BottleneckException.class, () -> Umap.builder().optComponents(0).build());
        float[][] ragged = new float[10][3];
        ragged[4] = new float[2];
        BottleneckException e = assertThrows(BottleneckException.class, () -> Umap.builder().build().fit(ragged));
        assertTrue(e.getMessage().contains("row 4"), e.getMessage());
        assertThrows(BottleneckException.class, () -> Umap.builder().build().fit(new float[3][5]));
    }

    /** Mean share of each row's k nearest input rows that are among its k nearest embedded rows. */
    static double neighbourOverlap(float[][] x, float[][] e, int k) {
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            int[] a = nearest(x, i, k);
            int[] b = nearest(e, i, k);
            int same = 0;
            for (int p : a) {
                for (int q : b) {
                    same += p == q ? 1 : 0;
                }
            }
            total += (double) same / k;
        }
        return total / x.length;
    }

    private static int[] nearest(float[][] x, int i, int k) {
        Integer[] order = new Integer[x.length];
        double[] d = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            order[j] = j;
            for (int c = 0; c < x[i].length; c++) {
                d[j] += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
            }
        }
        d[i] = Double.POSITIVE_INFINITY;
        Arrays.sort(order, (p, q) -> Double.compare(d[p], d[q]));
        return Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
    }
}

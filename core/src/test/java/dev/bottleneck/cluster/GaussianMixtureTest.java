package dev.bottleneck.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.metrics.ClusterAgreement;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** EM from k-means, where k-means' round clusters are the wrong shape. */
class GaussianMixtureTest {
    @Test
    void drawsTheBoundaryWhereUnequalSpreadsPutItNotHalfwayAsKMeansDoes() {
        // a tight cluster (σ 0.3) beside a broad one (σ 2), centres 3 apart: k-means' boundary near
        // the midpoint gives the broad cluster's near tail to the tight one; the mixture's does not
        Random random = new Random(7);
        int n = 2000;
        float[][] x = new float[n][2];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % 2;
            double sd = truth[i] == 0 ? 0.3 : 2;
            x[i][0] = (float) (random.nextGaussian() * sd + (truth[i] == 0 ? 0 : 3));
            x[i][1] = (float) (random.nextGaussian() * sd);
        }
        KMeansResult km = KMeans.builder().setK(2).optSeed(0).build().fit(x);
        GaussianMixtureResult gm = GaussianMixture.builder().build().fit(x, km);
        double kmAcc = ClusterAgreement.accuracy(truth, km.assignments());
        double gmAcc = ClusterAgreement.accuracy(truth, gm.assignments());
        assertTrue(gmAcc > kmAcc + 0.05, "mixture " + gmAcc + " vs k-means " + kmAcc);
        assertTrue(gm.converged());
        assertNull(gm.failure());
        assertTrue(Double.isFinite(gm.logLikelihood()));
    }

    @Test
    void aCollapsedComponentKeepsTheKMeansClustersAndSaysWhy() {
        // one k-means cluster is three copies of one point: its covariance is the floor 0, singular
        float[][] x = new float[23][2];
        Random random = new Random(1);
        for (int i = 0; i < 20; i++) {
            x[i] = new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()};
        }
        for (int i = 20; i < 23; i++) {
            x[i] = new float[] {50, 50};
        }
        KMeansResult km = KMeans.builder().setK(2).optSeed(0).build().fit(x);
        GaussianMixtureResult gm = GaussianMixture.builder().optCovarianceFloor(0).build().fit(x, km);
        assertNotNull(gm.failure());
        assertEquals(false, gm.converged());
        assertEquals(java.util.Arrays.toString(km.assignments()), java.util.Arrays.toString(gm.assignments()));
    }
}

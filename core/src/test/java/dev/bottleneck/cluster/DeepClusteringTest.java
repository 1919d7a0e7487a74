package dev.bottleneck.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;

import java.util.List;
import org.junit.jupiter.api.Test;

/** DEC, DEPICT and the stacked autoencoder on a few hundred Fashion-MNIST images, briefly trained. */
class DeepClusteringTest {
    static final Table IMAGES = IdxReader.readImages(TestData.dataset("fashion-mnist-2k/train-images-idx3-ubyte.gz"),
            TestData.dataset("fashion-mnist-2k/train-labels-idx1-ubyte.gz"), 300);

    static Clusterer.Builder small(ClusterMethod m) {
        return Clusterer.builder().setK(10).setMethod(m).optSeed(3).optHidden(List.of(32)).optLatent(6)
                .optEpochs(2).optPretrainEpochs(1).optBatchSize(100).optRestarts(3);
    }

    @Test
    void decLowersItsKlAgainstEachTargetAndStopsWhenUnderATenthOfAPercentChange() {
        ClusteringResult r = small(ClusterMethod.DEC).optUpdateInterval(10).optDeepLearningRate(3e-5)
                .optMaxIterations(1000).build().fit(IMAGES);
        DeepClusteringResult dec = r.deep();
        assertTrue(dec.converged(), "DEC ran out of steps: " + dec.history());
        List<DeepClusteringResult.TargetUpdate> h = dec.history();
        assertTrue(h.size() >= 2, h.toString());
        for (DeepClusteringResult.TargetUpdate u : h.subList(0, h.size() - 1)) {
            // each interval's steps lower KL(P ‖ Q) against the target they were given
            assertTrue(u.lossAtEnd() < u.lossAtUpdate(), u.toString());
        }
        for (DeepClusteringResult.TargetUpdate u : h.subList(1, h.size() - 1)) {
            assertTrue(u.changed() >= 0.001, "kept going although only " + u.changed() + " changed: " + h);
        }
        assertTrue(h.get(h.size() - 1).changed() < 0.001);
        assertEquals(h.get(h.size() - 1).iteration(), dec.iterations());
        assertEquals(IMAGES.rows(), r.assignments().length);
        assertArrayEquals(r.assignments(), TargetTraining.argMax(flat(dec.probabilities()), IMAGES.rows(), 10));
    }

    @Test
    void depictsClusteringLossTrainsTheConvolutionalEncoderAndItsSoftMaxLayer() {
        // without the reconstruction term, full-batch steps (Adam's first steps follow the sign of
        // the exact gradient: a descent direction) must lower the relative entropy to the target
        ClusteringResult r = small(ClusterMethod.DEPICT).optFilters(List.of(8, 16)).optEpochs(1).optBatchSize(300)
                .optReconstructionWeight(0).optUpdateInterval(6).optMaxIterations(12).optTolerance(0).optDeepLearningRate(1e-4)
                .build().fit(IMAGES);
        DeepClusteringResult d = r.deep();
        assertEquals(12, d.iterations());
        assertTrue(d.history().get(0).lossAtEnd() < d.history().get(0).lossAtUpdate(), d.history().toString());
        assertEquals(IMAGES.rows(), r.codes().length);
        assertEquals(6, r.codes()[0].length);
    }

    @Test
    void sameSeedSameClustersForTheStackedAutoencoder() {
        ClusteringResult a = small(ClusterMethod.STACKED_AE).build().fit(IMAGES);
        ClusteringResult b = small(ClusterMethod.STACKED_AE).build().fit(IMAGES);
        assertArrayEquals(a.assignments(), b.assignments());
        assertArrayEquals(a.codes()[7], b.codes()[7]);
    }

    @Test
    void n2dClustersAUmapOfTheCodesWithAMixtureAndRepeatsItselfForASeed() {
        ClusteringResult a = small(ClusterMethod.N2D).build().fit(IMAGES);
        assertEquals(ClusterMethod.N2D, a.method());
        assertEquals(10, a.codes()[0].length, "UMAP into k dimensions by default");
        assertEquals(IMAGES.rows(), a.assignments().length);
        assertEquals(6, a.kmeans().centroids()[0].length, "the reported k-means is the one on the 6-wide AE code");
        assertNull(a.mixture().failure());
        assertArrayEquals(a.assignments(), small(ClusterMethod.N2D).build().fit(IMAGES).assignments());
        ClusteringResult b = small(ClusterMethod.N2D).optUmapComponents(2).optUmapNeighbours(5).build().fit(IMAGES);
        assertEquals(2, b.codes()[0].length);
        assertThrows(BottleneckException.class, () -> small(ClusterMethod.N2D).optUmapNeighbours(1).build());
    }

    @Test
    void scanClustersTheSameUmapAsN2dAndRepeatsItselfForASeed() {
        ClusteringResult n2d = small(ClusterMethod.N2D).build().fit(IMAGES);
        ClusteringResult a = small(ClusterMethod.SCAN).optScanHeads(2).optScanEpochs(5).build().fit(IMAGES);
        assertEquals(ClusterMethod.SCAN, a.method());
        assertNull(a.mixture());
        assertEquals(2, a.scan().finalLosses().length);
        // the same autoencoder and UMAP as N2D's for the same seed: only the last step differs
        assertArrayEquals(n2d.codes()[7], a.codes()[7]);
        assertArrayEquals(n2d.kmeans().assignments(), a.kmeans().assignments());
        assertArrayEquals(a.scan().assignments(), a.assignments());
        assertArrayEquals(a.assignments(),
                small(ClusterMethod.SCAN).optScanHeads(2).optScanEpochs(5).build().fit(IMAGES).assignments());
        assertThrows(BottleneckException.class, () -> small(ClusterMethod.SCAN).optScanEntropyWeight(-1).build());
    }

    @Test
    void depictRefusesATable() {
        Table t = Table.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> Clusterer.builder().setK(2).setMethod(ClusterMethod.DEPICT).build().fit(t));
        assertTrue(e.getMessage().contains("needs images"), e.getMessage());
    }

    private static float[] flat(float[][] rows) {
        return KMeans.flatten(rows);
    }
}

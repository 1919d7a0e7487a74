package dev.bottleneck.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.metrics.ClusterAgreement;
import dev.bottleneck.neighbours.NearestRows;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SCAN on the shape that defeats k-means and mixtures on Fashion-MNIST's embedding: one class in
 * two far-apart islands, two more classes in blobs that touch.
 */
class ScanTest {
    /** Class 0: two islands of 100 at (±10, 10); classes 1 and 2: 200 each at (∓1.2, −5), touching. */
    static final float[][] ROWS = new float[600][];
    static final int[] TRUTH = new int[600];

    static {
        Random r = new Random(11);
        for (int i = 0; i < 600; i++) {
            double cx;
            double cy;
            double sd;
            if (i < 200) {
                TRUTH[i] = 0;
                cx = i < 100 ? -10 : 10;
                cy = 10;
                sd = 0.5;
            } else {
                TRUTH[i] = i < 400 ? 1 : 2;
                cx = i < 400 ? -1.2 : 1.2;
                cy = -5;
                sd = 1;
            }
            ROWS[i] = new float[] {(float) (cx + sd * r.nextGaussian()), (float) (cy + sd * r.nextGaussian())};
        }
    }

    static Scan.Builder small() {
        return Scan.builder().setK(3).optBatchSize(64).optEpochs(30).optHeads(3).optNeighbours(10).optSeed(5);
    }

    @Test
    void theSizePriorJoinsTheIslandsAndCutsTheTouchingBlobsWhereKMeansDoesTheOpposite() {
        KMeansResult km = KMeans.builder().setK(3).optRestarts(5).optSeed(5).build().fit(ROWS);
        double kmAccuracy = ClusterAgreement.accuracy(TRUTH, km.assignments());
        // the fixture is what it claims: k-means gives each island a cluster and merges the blobs
        assertTrue(kmAccuracy < 0.7, "k-means ACC " + kmAccuracy);
        ScanResult scan = small().build().fit(ROWS);
        double accuracy = ClusterAgreement.accuracy(TRUTH, scan.assignments());
        assertTrue(accuracy > 0.9, "SCAN ACC " + accuracy + " with losses " + Arrays.toString(scan.finalLosses()));
        assertEquals(scan.assignments()[0], scan.assignments()[150], "both islands in one cluster");
        assertTrue(scan.sizeEntropy() > 0.99 * Math.log(3), "sizes near equal: entropy " + scan.sizeEntropy());
    }

    @Test
    void withoutTheSizePriorTheClustersAreFarLessEven() {
        ScanResult prior = small().build().fit(ROWS);
        ScanResult none = small().optEntropyWeight(0).build().fit(ROWS);
        // consistency alone is best served by few clusters: it collapses towards one
        assertTrue(none.sizeEntropy() < prior.sizeEntropy() - 0.3,
                "entropy " + none.sizeEntropy() + " without the prior, " + prior.sizeEntropy() + " with it");
        assertTrue(none.consistency() < prior.consistency());
    }

    @Test
    void theLowestLossHeadIsKeptAndTheSameSeedGivesTheSameClusters() {
        ScanResult a = small().build().fit(ROWS);
        assertEquals(3, a.finalLosses().length);
        assertTrue(Arrays.stream(a.screeningLosses()).allMatch(Double::isNaN), "3 heads, 4 survivors: no screening");
        double min = Arrays.stream(a.finalLosses()).min().orElseThrow();
        assertEquals(min, a.finalLosses()[a.head()]);
        assertEquals(a.consistency() - 5 * a.sizeEntropy(), min, 1e-9, "the kept loss is its two parts");
        assertFalse(a.stopped());
        for (int i = 0; i < ROWS.length; i++) {
            float sum = 0;
            for (float p : a.probabilities()[i]) {
                sum += p;
            }
            assertEquals(1, sum, 1e-4);
        }
        ScanResult b = small().build().fit(ROWS);
        assertArrayEquals(a.assignments(), b.assignments());
        assertArrayEquals(a.finalLosses(), b.finalLosses());
        ScanResult c = small().optSeed(6).build().fit(ROWS);
        assertFalse(Arrays.equals(a.finalLosses(), c.finalLosses()), "another seed, other heads");
    }

    @Test
    void theHeadsLeadingAtTheScreeningAreTheOnesFinished() {
        ScanResult r = small().optHeads(6).optSurvivors(2).optScreenEpochs(3).build().fit(ROWS);
        double[] screening = r.screeningLosses();
        double[] finals = r.finalLosses();
        assertTrue(Arrays.stream(screening).noneMatch(Double::isNaN), Arrays.toString(screening));
        double[] sorted = screening.clone();
        Arrays.sort(sorted);
        int finished = 0;
        for (int h = 0; h < 6; h++) {
            if (!Double.isNaN(finals[h])) {
                finished++;
                assertTrue(screening[h] <= sorted[1], "head " + h + " was finished but screened " + screening[h]
                        + " of " + Arrays.toString(screening));
                assertTrue(finals[h] < screening[h], "27 more epochs lowered head " + h + "'s loss");
            }
        }
        assertEquals(2, finished);
        assertEquals(Arrays.stream(finals).filter(v -> !Double.isNaN(v)).min().orElseThrow(), finals[r.head()]);
    }

    @Test
    void aStopRequestEndsTrainingAfterThatEpochAndKeepsTheHeadSoFar() {
        AtomicInteger epochs = new AtomicInteger();
        ScanResult r = small().optProgress(epochs::set).optStopWhen(() -> epochs.get() >= 2).build().fit(ROWS);
        assertTrue(r.stopped());
        assertEquals(2, epochs.get());
        assertFalse(Double.isNaN(r.finalLosses()[0]));
        assertTrue(Double.isNaN(r.finalLosses()[1]) && Double.isNaN(r.finalLosses()[2]), "heads 2 and 3 never ran");
        assertEquals(ROWS.length, r.assignments().length);
    }

    @Test
    void aRowsOwnDuplicateIsANeighbourButTheRowItselfIsNot() {
        // row 1 duplicates row 0: the search may list 1 before 0 for row 0, or 0 before 1
        float[] rows = {0, 0, 0, 0, 5, 0, 9, 0};
        try (var m = dev.bottleneck.engine.Engines.newManager(ai.djl.Device.cpu())) {
            int[] nbr = Scan.withoutSelf(NearestRows.graph(m, rows, 2, 3), 2);
            assertArrayEquals(new int[] {1, 2}, Arrays.copyOfRange(nbr, 0, 2));
            assertArrayEquals(new int[] {0, 2}, Arrays.copyOfRange(nbr, 2, 4));
            assertEquals(3, nbr[4]);
            assertTrue(nbr[5] == 0 || nbr[5] == 1, "row 2's second neighbour is either copy, got " + nbr[5]);
        }
    }

    @Test
    void badSettingsAndTooFewRowsAreRefused() {
        assertThrows(BottleneckException.class, () -> Scan.builder().setK(1).build());
        assertThrows(BottleneckException.class, () -> small().optNeighbours(0).build());
        assertThrows(BottleneckException.class, () -> small().optEntropyWeight(-1).build());
        assertThrows(BottleneckException.class, () -> small().optHeads(0).build());
        assertThrows(BottleneckException.class, () -> small().optSurvivors(0).build());
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> small().build().fit(Arrays.copyOf(ROWS, 10)));
        assertTrue(e.getMessage().contains("10 neighbours per row needs more than 10 rows, got 10"), e.getMessage());
        assertThrows(BottleneckException.class, () -> small().build().fit(new float[][] {{1, 2}, {3}}));
    }
}

package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.metrics.Ranking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kNN detector against a brute-force computation in plain Java, its leave-one-out training
 * scores, save/load, images (one-vs-rest ranking on real Fashion-MNIST) and bad input.
 */
class KnnDetectorTest {
    @TempDir
    Path tmp;

    /** Rows with distinct values, so no two distances tie. */
    static float[][] randomRows(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return rows;
    }

    /** The k ascending distances from q to the rows of ref (standardised by ref's statistics), row `skip` left out. */
    static double[] bruteForce(float[][] ref, float[] q, int k, int skip) {
        int d = q.length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (float[] row : ref) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) ref.length;
            }
        }
        for (float[] row : ref) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / ref.length;
            }
        }
        double[] dist = new double[ref.length - (skip >= 0 ? 1 : 0)];
        int at = 0;
        for (int i = 0; i < ref.length; i++) {
            if (i == skip) {
                continue;
            }
            double s = 0;
            for (int j = 0; j < d; j++) {
                double a = (ref[i][j] - mean[j]) / Math.sqrt(sd[j]);
                double b = (q[j] - mean[j]) / Math.sqrt(sd[j]);
                s += (a - b) * (a - b);
            }
            dist[at++] = Math.sqrt(s);
        }
        Arrays.sort(dist);
        return Arrays.copyOf(dist, k);
    }

    @Test
    void scoresAreTheDistancesToTheNearestTrainingRows() {
        float[][] train = randomRows(300, 4, 1);
        float[][] test = randomRows(50, 4, 2);
        for (String how : DetectorConfig.AGGREGATIONS) {
            try (Detector d = Detectors.knn().optNeighbours(4).optAggregation(how).create()) {
                d.fit(Table.of(train));
                double[] s = d.score(Table.of(test));
                for (int i = 0; i < test.length; i++) {
                    double[] nn = bruteForce(train, test[i], 4, -1);
                    double want = switch (how) {
                        case "mean" -> Arrays.stream(nn).average().orElseThrow();
                        case "median" -> 0.5 * (nn[1] + nn[2]);
                        default -> nn[3];
                    };
                    assertEquals(want, s[i], 1e-3 * want, how + " row " + i);
                }
            }
        }
    }

    @Test
    void trainingRowsAreScoredAgainstTheOthersAndSetTheThreshold() {
        float[][] train = randomRows(200, 3, 3);
        try (Detector d = Detectors.knn().optNeighbours(2).optContamination(0.1).create()) {
            FitResult fit = d.fit(Table.of(train));
            // against itself a row would score 0; leave-one-out gives every row its 2nd other neighbour
            double[] loo = new double[train.length];
            for (int i = 0; i < train.length; i++) {
                loo[i] = bruteForce(train, train[i], 2, i)[1];
            }
            double[] sorted = loo.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[0], fit.trainingScoreMin(), 1e-3 * sorted[0]);
            assertEquals(sorted[sorted.length - 1], fit.trainingScoreMax(), 1e-3 * sorted[sorted.length - 1]);
            assertEquals(Threshold.contamination(0.1).resolve(loo), fit.thresholdValue(), 1e-3 * fit.thresholdValue());
            assertEquals(0.1, fit.flaggedFraction(), 0.01);
        }
    }

    @Test
    void aFarRowOutscoresTheTrainingRowsAndIsFlagged() {
        float[][] train = randomRows(500, 5, 4);
        float[][] test = {train[0].clone(), {8, 8, 8, 8, 8}};
        try (Detector d = Detectors.knn().create()) {
            d.fit(Table.of(train));
            double[] s = d.score(Table.of(test));
            assertTrue(s[1] > 5 * s[0], Arrays.toString(s));
            assertArrayEquals(new int[] {0, 1}, d.predict(Table.of(test)));
        }
    }

    @Test
    void roundTripsThroughSaveAndLoadWithIdenticalScores() {
        float[][] train = randomRows(120, 6, 5);
        train[7][2] = Float.NaN;
        Table t = Table.of(train);
        Table test = Table.of(randomRows(30, 6, 6));
        try (Detector d = Detectors.knn().optNeighbours(3).optAggregation("mean").optImpute(true).create()) {
            d.fit(t);
            double[] before = d.score(test);
            d.save(tmp.resolve("knn"), false);
            try (Detector back = Detector.load(tmp.resolve("knn"))) {
                assertInstanceOf(KnnDetector.class, back);
                assertEquals("knn", back.kind());
                assertEquals(3, back.config().neighbours());
                assertArrayEquals(before, back.score(test));
                assertEquals(d.fitResult().orElseThrow(), back.fitResult().orElseThrow());
            }
        }
    }

    @Test
    void ranksOtherGarmentsAboveTrousersOnFashionMnist() {
        Table train = DataSources.load(TestData.dataset("fashion-mnist-2k/train-images-idx3-ubyte.gz"), "label", ImputePolicy.REJECT);
        Table test = DataSources.load(TestData.dataset("fashion-mnist-2k/t10k-images-idx3-ubyte.gz"), "label", ImputePolicy.REJECT);
        int[] trousers = java.util.stream.IntStream.range(0, train.rows()).filter(i -> train.label(i).equals("1")).toArray();
        boolean[] other = new boolean[test.rows()];
        for (int i = 0; i < other.length; i++) {
            other[i] = !test.label(i).equals("1");
        }
        try (Detector d = Detectors.knn().create()) {
            d.fit(train.select(trousers));
            double auc = Ranking.rocAuc(d.score(test), other);
            assertTrue(auc > 0.9, "ROC-AUC " + auc);
            d.save(tmp.resolve("img"), false);
            try (Detector back = Detector.load(tmp.resolve("img"))) {
                assertArrayEquals(d.score(test), back.score(test));
            }
        }
    }

    @Test
    void badInputGetsOneClearSentence() {
        float[][] rows = new float[40][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {i, 5, (i * 7) % 11};
        }
        try (Detector d = Detectors.knn().create()) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> d.score(Table.of(rows)));
            assertTrue(e.getMessage().contains("not been fitted"), e.getMessage());
            // a constant column is scaled by 1, not divided by zero
            d.fit(Table.of(rows));
            assertTrue(Arrays.stream(d.score(Table.of(rows))).allMatch(Double::isFinite));
            e = assertThrows(BottleneckException.class, () -> d.score(Table.of(new float[][] {{1, 2}})));
            assertTrue(e.getMessage().contains("2 feature columns") && e.getMessage().contains("fitted on 3"), e.getMessage());
            e = assertThrows(BottleneckException.class, () -> d.score(Table.of(new float[][] {{1, Float.NaN, 3}})));
            assertTrue(e.getMessage().contains("missing (NaN)"), e.getMessage());
        }
        try (Detector d = Detectors.knn().optNeighbours(40).create()) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> d.fit(Table.of(rows)));
            assertTrue(e.getMessage().contains("at least 41 training rows"), e.getMessage());
        }
        BottleneckException e = assertThrows(BottleneckException.class, () -> Detectors.knn().optNeighbours(0).build());
        assertTrue(e.getMessage().contains("k ≥ 1"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Detectors.knn().optAggregation("max").build());
        assertTrue(e.getMessage().contains("largest, mean, median"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Detectors.knn().optSmoothing(-1).build());
        assertTrue(e.getMessage().contains("σ"), e.getMessage());
    }
}

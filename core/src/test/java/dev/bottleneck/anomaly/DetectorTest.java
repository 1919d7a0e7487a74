package dev.bottleneck.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.metrics.Ranking;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector API on WDBC (357 benign rows, 10 malignant = outliers): shapes, thresholds,
 * save/load, ranking quality, and every kind of bad input. One AE is fitted once for the class.
 */
class DetectorTest {
    static Table wdbc;
    static Detector ae;
    static FitResult fit;

    @BeforeAll
    static void fitOnce() {
        wdbc = DataSources.load(TestData.dataset("wdbc/wdbc.csv.gz"), "label", null);
        ae = Detectors.autoencoder().optSeed(1).optContamination(0.1).create();
        fit = ae.fit(wdbc);
    }

    @AfterAll
    static void close() {
        ae.close();
    }

    static boolean[] outliers(Table t) {
        boolean[] y = new boolean[t.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = t.label(i).equals("1");
        }
        return y;
    }

    @Test
    void shapesAndThreshold() {
        double[] s = ae.score(wdbc);
        int[] p = ae.predict(wdbc);
        assertEquals(wdbc.rows(), s.length);
        assertEquals(wdbc.rows(), p.length);
        for (int i = 0; i < s.length; i++) {
            assertTrue(Double.isFinite(s[i]) && s[i] >= 0);
            assertEquals(s[i] > fit.thresholdValue() ? 1 : 0, p[i]);
        }
        assertEquals(wdbc.rows(), fit.rows());
        assertEquals(30, fit.columns().size());
        assertTrue(fit.epochs() >= 5);
        // contamination 0.1: the 0.9 quantile of training scores, so ~10% of training rows are flagged
        int flagged = Arrays.stream(p).sum();
        assertEquals(0.1, flagged / (double) wdbc.rows(), 1.0 / wdbc.rows() + 1e-9);
        assertEquals(flagged / (double) wdbc.rows(), fit.flaggedFraction(), 1e-12);
        assertEquals(Threshold.quantileOf(s, 0.9), fit.thresholdValue(), 1e-9);
    }

    @Test
    void ranksOutliersAboveInliers() {
        double auc = Ranking.rocAuc(ae.score(wdbc), outliers(wdbc));
        System.out.printf("WDBC ROC-AUC of the default ae detector (seed 1, fit on all rows, no labels): %.4f%n", auc);
        assertTrue(auc > 0.75, "ROC-AUC " + auc);
    }

    @Test
    void labelsAreNeverUsedForFitting() {
        Table unlabelled = new Table(wdbc.values(), wdbc.rows(), wdbc.cols(), wdbc.columns(), null, null, null, "x");
        try (Detector other = Detectors.autoencoder().optSeed(1).optEpochs(3).create();
                Detector same = Detectors.autoencoder().optSeed(1).optEpochs(3).create()) {
            other.fit(unlabelled);
            same.fit(wdbc);
            assertArrayEquals(other.score(wdbc), same.score(wdbc));
        }
    }

    @Test
    void saveLoadGivesIdenticalScores(@TempDir Path tmp) {
        Path dir = tmp.resolve("det");
        ae.save(dir, false);
        assertTrue(Files.isRegularFile(dir.resolve("detector.json")));
        assertTrue(Files.isRegularFile(dir.resolve("model/config.json")));
        try (Detector loaded = Detector.load(dir)) {
            assertEquals("ae", loaded.kind());
            assertArrayEquals(ae.score(wdbc), loaded.score(wdbc));
            assertArrayEquals(ae.predict(wdbc), loaded.predict(wdbc));
            assertEquals(fit, loaded.fitResult().orElseThrow());
        }
        BottleneckException e = assertThrows(BottleneckException.class, () -> ae.save(dir, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void aDetectorSavedBeforeTheKnnSettingsExistedStillLoads(@TempDir Path tmp) throws java.io.IOException {
        Path dir = tmp.resolve("old");
        ae.save(dir, false);
        Path json = dir.resolve("detector.json");
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) dev.bottleneck.io.Json.mapper().readTree(json.toFile());
        com.fasterxml.jackson.databind.node.ObjectNode settings = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("settings");
        assertTrue(settings.has("smoothing"), settings.toString());
        settings.remove(java.util.List.of("neighbours", "aggregation", "smoothing"));
        Files.writeString(json, tree.toString());
        try (Detector loaded = Detector.load(dir)) {
            // missing settings read as "none": no blur, which is how such a detector was fitted
            assertEquals(0.0, loaded.config().smoothing());
            assertArrayEquals(ae.score(wdbc), loaded.score(wdbc));
        }
    }

    @Test
    void memaeFitsScoresAndRoundTrips(@TempDir Path tmp) {
        try (Detector mem = Detectors.memae().optSeed(2).optEpochs(5).optMemorySlots(20).create()) {
            FitResult r = mem.fit(wdbc);
            double[] s = mem.score(wdbc);
            assertEquals(wdbc.rows(), s.length);
            double auc = Ranking.rocAuc(s, outliers(wdbc));
            System.out.printf("WDBC ROC-AUC of memae (20 slots, 5 epochs, seed 2): %.4f%n", auc);
            assertTrue(auc > 0.5, "ROC-AUC " + auc);
            mem.save(tmp.resolve("m"), false);
            try (Detector loaded = Detector.load(tmp.resolve("m"))) {
                assertEquals("memae", loaded.kind());
                assertArrayEquals(s, loaded.score(wdbc));
                assertEquals(r.thresholdValue(), loaded.fitResult().orElseThrow().thresholdValue());
            }
        }
    }

    @Test
    void thresholdRules() {
        double[] s = {1, 2, 3, 4, 5};
        // numpy: np.percentile([1..5], 90) = 4.6, np.quantile(.., 0.25) = 2.0
        assertEquals(4.6, Threshold.contamination(0.1).resolve(s), 1e-12);
        assertEquals(2.0, Threshold.quantile(0.25).resolve(s), 1e-12);
        assertEquals(7.0, Threshold.fixed(7).resolve(s), 0);
        for (double c : new double[] {0, -0.1, 0.51, 1, Double.NaN}) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> Threshold.contamination(c));
            assertTrue(e.getMessage().startsWith("contamination must be in (0, 0.5]"), e.getMessage());
        }
        assertThrows(BottleneckException.class, () -> Threshold.quantile(1));
        assertThrows(BottleneckException.class, () -> Threshold.fixed(Double.NaN));
        // the upper end is allowed
        assertEquals(0.5, ((Threshold.Contamination) Threshold.contamination(0.5)).fraction());
    }

    @Test
    void badInput(@TempDir Path tmp) throws Exception {
        // test data of another width
        Table narrow = Table.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        BottleneckException e = assertThrows(BottleneckException.class, () -> ae.score(narrow));
        assertTrue(e.getMessage().contains("3 feature columns but the detector was fitted on 30"), e.getMessage());

        // a missing cell: refused by the reader, refused by the detector unless imputing
        Path csv = tmp.resolve("nan.csv");
        Files.writeString(csv, "a,b,c\n1,2,3\n2,,4\n3,4,5\n4,5,7\n");
        e = assertThrows(BottleneckException.class, () -> DataSources.load(csv, null, null));
        assertTrue(e.getMessage().contains("row"), e.getMessage());
        Table withNan = DataSources.load(csv, null, dev.bottleneck.data.ImputePolicy.MEAN);
        try (Detector d = Detectors.autoencoder().optEpochs(2).create()) {
            e = assertThrows(BottleneckException.class, () -> d.fit(withNan));
            assertTrue(e.getMessage().contains("missing (NaN)") && e.getMessage().contains("--impute"), e.getMessage());
        }
        try (Detector d = Detectors.autoencoder().optEpochs(2).optImpute(true).create()) {
            d.fit(withNan);
            assertTrue(Arrays.stream(d.score(withNan)).allMatch(Double::isFinite));
            // infinite cells are never accepted
            Table inf = Table.of(new float[][] {{1, Float.POSITIVE_INFINITY, 3}});
            e = assertThrows(BottleneckException.class, () -> d.score(inf));
            assertTrue(e.getMessage().contains("infinite"), e.getMessage());
        }

        // a constant column: scaled by 1, not divided by zero; scores stay finite
        float[][] rows = new float[40][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {i, 5, (i * 7) % 11};
        }
        try (Detector d = Detectors.autoencoder().optEpochs(2).create()) {
            d.fit(Table.of(rows));
            assertTrue(Arrays.stream(d.score(Table.of(rows))).allMatch(Double::isFinite));
        }

        // not fitted, too few rows, unknown names
        try (Detector d = Detectors.autoencoder().create()) {
            e = assertThrows(BottleneckException.class, () -> d.score(narrow));
            assertTrue(e.getMessage().contains("not been fitted"), e.getMessage());
            e = assertThrows(BottleneckException.class, () -> d.fit(Table.of(new float[][] {{1, 2}})));
            assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        }
        e = assertThrows(BottleneckException.class, () -> Detectors.byName("svm"));
        assertTrue(e.getMessage().contains("ae, memae"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Detectors.autoencoder().optContamination(0.7).build());
        assertTrue(e.getMessage().startsWith("contamination"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Detector.load(tmp.resolve("none")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void defaultArchitectureScalesWithWidth() {
        assertEquals(2, DetectorConfig.defaultLatent(6));
        assertEquals(8, DetectorConfig.defaultLatent(30));
        assertEquals(32, DetectorConfig.defaultLatent(1000));
        assertEquals(java.util.List.of(64, 32), DetectorConfig.defaultHidden(30, 8));
        assertEquals(java.util.List.of(256, 128), DetectorConfig.defaultHidden(1555, 32));
        assertEquals(100, DetectorConfig.defaultEpochs(300, 64));
        assertEquals(2, DetectorConfig.defaultEpochs(1_000_000, 64));
        assertEquals(6, DetectorConfig.defaultEpochs(16_000, 64));
    }
}

package dev.bottleneck.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.metrics.Ranking;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.objective.Objective;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probabilistic AE (APRE + mean-shift scoring), the mean-shift itself, and the VAE detector. */
class ProbabilisticDetectorTest {
    static Table wdbc;
    static Detector pae;
    static FitResult fit;

    @BeforeAll
    static void fitOnce() {
        wdbc = DataSources.load(TestData.dataset("wdbc/wdbc.csv.gz"), "label", null);
        pae = Detectors.pae().optSeed(3).optEpochs(20).create();
        fit = pae.fit(wdbc);
    }

    @AfterAll
    static void close() {
        pae.close();
    }

    @Test
    void meanShiftMatchesBruteForce() {
        meanShiftMatchesBruteForce(50, 9);
    }

    /** 3,000 reference rows make chunks of 87 query rows: 200 queries span three, the last one short. */
    @Test
    void meanShiftMatchesBruteForceAcrossChunks() {
        meanShiftMatchesBruteForce(3000, 200);
    }

    private static void meanShiftMatchesBruteForce(int n, int m) {
        Random r = new Random(7);
        int d = 3;
        float[] ref = new float[n * d];
        float[] q = new float[m * d];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (3 * r.nextGaussian());
        }
        int k = 4;
        int t = 2;
        float[] expected = q.clone();
        for (int it = 0; it < t; it++) {
            expected = bruteForceStep(ref, expected, d, k);
        }
        try (NDManager manager = Engines.newManager(ai.djl.Device.cpu())) {
            float[] got = MeanShift.shift(manager, ref, q, d, k, t);
            assertArrayEquals(expected, got, 1e-4f);
        }
    }

    /** Each row → mean of itself and its k−1 nearest reference rows, by sorting all distances. */
    private static float[] bruteForceStep(float[] ref, float[] q, int d, int k) {
        int n = ref.length / d;
        float[] out = new float[q.length];
        for (int i = 0; i < q.length / d; i++) {
            Integer[] order = new Integer[n];
            double[] dist = new double[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
                for (int c = 0; c < d; c++) {
                    double diff = q[i * d + c] - ref[j * d + c];
                    dist[j] += diff * diff;
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
            for (int c = 0; c < d; c++) {
                double sum = q[i * d + c];
                for (int nb = 0; nb < k - 1; nb++) {
                    sum += ref[order[nb] * d + c];
                }
                out[i * d + c] = (float) (sum / k);
            }
        }
        return out;
    }

    @Test
    void meanShiftRefusesTooFewRows() {
        try (NDManager manager = Engines.newManager(ai.djl.Device.cpu())) {
            BottleneckException e = assertThrows(BottleneckException.class,
                    () -> MeanShift.shift(manager, new float[] {1, 2, 3, 4}, new float[] {0, 0}, 2, 5, 1));
            assertTrue(e.getMessage().contains("needs at least 4 reference rows, but there are 2"), e.getMessage());
        }
    }

    @Test
    void apreWithUnitWeightsAndNoShiftIsTwiceTheNegativeLogLikelihood() {
        Autoencoder model = ((AutoencoderDetector) pae).model().orElseThrow();
        float[] scaled = model.prepare(wdbc);
        DetectorConfig plain = Detectors.pae().optMeanShiftIterations(0).build();
        double[] apre = AdjustableScore.score(model, scaled, null, plain);
        double[] nll = model.score(wdbc);
        double constant = 0.5 * wdbc.cols() * Math.log(2 * Math.PI);
        for (int i = 0; i < apre.length; i++) {
            assertEquals(2 * (nll[i] - constant), apre[i], 1e-3 * Math.max(1, Math.abs(apre[i])));
        }
        // β = 0 leaves the variance-scaled error alone, which is never negative
        double[] alphaOnly = AdjustableScore.score(model, scaled, null,
                Detectors.pae().optMeanShiftIterations(0).optBeta(0).build());
        assertTrue(Arrays.stream(alphaOnly).allMatch(s -> s >= 0));
    }

    @Test
    void paeFitsScoresPredictsAndRoundTrips(@TempDir Path tmp) {
        double[] s = pae.score(wdbc);
        int[] p = pae.predict(wdbc);
        for (int i = 0; i < s.length; i++) {
            assertTrue(Double.isFinite(s[i]));
            assertEquals(s[i] > fit.thresholdValue() ? 1 : 0, p[i]);
        }
        // the epoch was chosen on held-out rows: somewhere within the budget
        assertTrue(fit.epochs() >= 1 && fit.epochs() <= 20, "epoch " + fit.epochs());
        double auc = Ranking.rocAuc(s, DetectorTest.outliers(wdbc));
        System.out.printf("WDBC ROC-AUC of pae (APRE 1/1, default mean-shift k = 40, t = 6, seed 3): %.4f%n", auc);
        assertTrue(auc > 0.5, "ROC-AUC " + auc);

        Path dir = tmp.resolve("pae");
        pae.save(dir, false);
        assertTrue(Files.isRegularFile(dir.resolve(DetectorFiles.POOL)));
        try (Detector loaded = Detector.load(dir)) {
            assertEquals("pae", loaded.kind());
            assertArrayEquals(s, loaded.score(wdbc));
            assertEquals(fit, loaded.fitResult().orElseThrow());
        }
    }

    @Test
    void meanShiftChangesTheScore() {
        Autoencoder model = ((AutoencoderDetector) pae).model().orElseThrow();
        float[] scaled = model.prepare(wdbc);
        double[] shifted = pae.score(wdbc);
        double[] plain = AdjustableScore.score(model, scaled, null, Detectors.pae().optMeanShiftIterations(0).build());
        assertTrue(!Arrays.equals(shifted, plain));
    }

    @Test
    void vaeScoresByReconstructionProbabilityAndRoundTrips(@TempDir Path tmp) {
        try (Detector vae = Detectors.vae().optSeed(4).optEpochs(5).optSamples(4).create()) {
            FitResult r = vae.fit(wdbc);
            double[] s = vae.score(wdbc);
            assertTrue(Arrays.stream(s).allMatch(Double::isFinite));
            assertEquals("vae", r.kind());
            // seeded Monte-Carlo draws: the same scores twice
            assertArrayEquals(s, vae.score(wdbc));
            vae.save(tmp.resolve("v"), false);
            try (Detector loaded = Detector.load(tmp.resolve("v"))) {
                assertArrayEquals(s, loaded.score(wdbc));
            }
        }
    }

    @Test
    void badSettings() {
        BottleneckException e = assertThrows(BottleneckException.class, () -> Detectors.pae().optMeanShiftK(1).build());
        assertTrue(e.getMessage().startsWith("mean-shift k must be ≥ 2"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Detectors.pae().optAlpha(0).optBeta(0).build());
        assertTrue(e.getMessage().contains("cannot both be 0"), e.getMessage());
        // fewer training rows than the neighbourhood
        float[][] rows = new float[6][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {i, i * i, 3 - i};
        }
        try (Detector d = Detectors.pae().optEpochs(1).optMeanShiftK(20).create()) {
            e = assertThrows(BottleneckException.class, () -> d.fit(Table.of(rows)));
            assertTrue(e.getMessage().contains("needs at least 19 training rows, but there are 6"), e.getMessage());
        }
        // a variance-predicting objective cannot sit behind a squashing output
        e = assertThrows(BottleneckException.class, () -> Autoencoder.builder()
                .setArchitecture(new DenseSpec(4, List.of(3), 2, null, false, 0, Activation.SIGMOID))
                .optObjective(Objective.PRE).build());
        assertTrue(e.getMessage().contains("needs the decoder output activation 'none'"), e.getMessage());
    }
}

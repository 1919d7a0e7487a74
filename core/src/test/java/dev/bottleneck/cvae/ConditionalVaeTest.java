package dev.bottleneck.cvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.Fixtures;
import dev.bottleneck.objective.Objective;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conditional VAE and its baseline: networks, objective, training, NLL, completions, files. */
class ConditionalVaeTest {
    static Table images;
    static QuadrantTask task;
    static Table pairs;
    static Table test;

    @BeforeAll
    static void load() {
        images = Fixtures.fashion(400);
        task = QuadrantTask.forImages(images, 1);
        pairs = task.pairs(Fixtures.firstRows(images, 300));
        int[] last = new int[100];
        Arrays.setAll(last, i -> 300 + i);
        test = task.pairs(images.select(last));
    }

    static ConditionalVae small(ConditionalKind kind, long seed) {
        return ConditionalVae.builder().setTask(task).optKind(kind).optHidden(List.of(32)).optLatent(4)
                .optAlpha(0.5).optSeed(seed).build();
    }

    static TrainingResult train(ConditionalVae m, Table data, int epochs, long seed, TrainingListener listener) {
        return ConditionalTrainer.builder()
                .setConfig(TrainingConfig.builder().optEpochs(epochs).optBatchSize(32).optLearningRate(2e-3)
                        .optSeed(seed).build())
                .optListener(listener).build().fit(m, data);
    }

    @Test
    void networksHaveTheirNamesAndShapes() {
        try (ConditionalVae cvae = small(ConditionalKind.CVAE, 0); ConditionalVae base = small(ConditionalKind.BASELINE, 0)) {
            assertEquals("cvae", cvae.config().family());
            assertEquals(new Shape(32, 784), cvae.parameters().get("recognition.0.weight").getArray().getShape());
            assertEquals(new Shape(8, 32), cvae.parameters().get("recognition.2.weight").getArray().getShape());
            assertEquals(new Shape(32, 196), cvae.parameters().get("prior.0.weight").getArray().getShape());
            assertEquals(new Shape(8, 32), cvae.parameters().get("prior.2.weight").getArray().getShape());
            assertEquals(new Shape(32, 200), cvae.parameters().get("generator.0.weight").getArray().getShape());
            assertEquals(new Shape(588, 32), cvae.parameters().get("generator.2.weight").getArray().getShape());
            assertEquals("cvae-baseline", base.config().family());
            assertTrue(base.parameters().keySet().stream().allMatch(k -> k.startsWith("generator.")), base.parameters().keySet().toString());
            assertEquals(new Shape(32, 196), base.parameters().get("generator.0.weight").getArray().getShape());
        }
    }

    @Test
    void builderNamesTheBadSetting() {
        String alpha = assertThrows(BottleneckException.class,
                () -> ConditionalVae.builder().setTask(task).optAlpha(1.5).build()).getMessage();
        assertTrue(alpha.contains("alpha must be in [0, 1]"), alpha);
        String latent = assertThrows(BottleneckException.class,
                () -> ConditionalVae.builder().setTask(task).optLatent(0).build()).getMessage();
        assertTrue(latent.contains("latent size must be ≥ 1, got 0"), latent);
        String widths = assertThrows(BottleneckException.class, () -> ConditionalVae.builder().build()).getMessage();
        assertTrue(widths.contains("setTask") && widths.contains("setWidths"), widths);
        String beta = assertThrows(BottleneckException.class,
                () -> ConditionalVae.builder().setWidths(3, 4).optGaussian(GaussianSpec.of(-1)).build()).getMessage();
        assertTrue(beta.contains("beta"), beta);
    }

    @Test
    void klBetweenTwoGaussiansMatchesTheClosedForm() {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray muQ = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray lvQ = m.create(new float[] {0, (float) Math.log(4)}, new Shape(1, 2));
            NDArray muP = m.create(new float[] {0, 2}, new Shape(1, 2));
            NDArray lvP = m.create(new float[] {(float) Math.log(2), 0}, new Shape(1, 2));
            float kl = ConditionalVae.klPerRow(new ConditionalVae.Gaussian(muQ, lvQ), new ConditionalVae.Gaussian(muP, lvP))
                    .getFloat(0);
            // ½[ln 2 − 0 + (1 + 1)/2 − 1] + ½[0 − ln 4 + (4 + 4)/1 − 1]
            assertEquals(0.5 * Math.log(2) + 0.5 * (7 - Math.log(4)), kl, 1e-5);
            // against N(0, I) it is the VAE's KL; against itself it is 0
            Engines.seed(1);
            NDArray mu = m.randomNormal(new Shape(50, 3));
            NDArray lv = m.randomNormal(new Shape(50, 3));
            ConditionalVae.Gaussian q = new ConditionalVae.Gaussian(mu, lv);
            ConditionalVae.Gaussian std = new ConditionalVae.Gaussian(m.zeros(new Shape(50, 3)), m.zeros(new Shape(50, 3)));
            assertArrayEquals(GaussianBottleneck.klPerRow(mu, lv).toFloatArray(), ConditionalVae.klPerRow(q, std).toFloatArray(), 1e-4f);
            for (float v : ConditionalVae.klPerRow(q, q).toFloatArray()) {
                assertEquals(0, v, 1e-5);
            }
        }
    }

    @Test
    void trainingLowersTheLossAndTheModelSurvivesSaveAndLoad(@TempDir Path tmp) {
        try (ConditionalVae m = small(ConditionalKind.CVAE, 3)) {
            TrainingResult r = train(m, pairs, 3, 3, TrainingListener.NONE);
            List<EpochRecord> h = r.history();
            assertEquals(3, h.size());
            assertTrue(h.get(2).trainLoss() < h.get(0).trainLoss(), h.toString());
            assertTrue(h.get(0).terms().keySet().containsAll(List.of("cvae", "gsnn", "kl")), h.get(0).terms().toString());
            assertEquals(3L, m.config().provenance().seed());
            assertEquals(270, m.config().provenance().rows());
            ConditionalEvaluation.Nll before = ConditionalEvaluation.nll(m, test, 5, 9);
            Path dir = tmp.resolve("cvae");
            m.save(dir, false);
            assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
            try (ConditionalVae back = ConditionalVae.load(dir)) {
                assertEquals(task, back.task());
                assertEquals(m.config().training(), back.config().training());
                assertArrayEquals(before.perRow(), ConditionalEvaluation.nll(back, test, 5, 9).perRow());
            }
            // the autoencoder loader refuses it with one sentence, and the conditional loader refuses an autoencoder
            String ae = assertThrows(BottleneckException.class, () -> Autoencoder.load(dir)).getMessage();
            assertTrue(ae.contains("holds a conditional VAE (cvae)") && ae.contains("bottleneck cvae"), ae);
        }
        try (Autoencoder plain = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(8), 2)).build()) {
            Table wdbc = Fixtures.wdbc();
            plain.setScaler(dev.bottleneck.data.Scaler.fit(dev.bottleneck.data.ScalerKind.STANDARD, wdbc), wdbc);
            plain.save(tmp.resolve("plain"), false);
            String msg = assertThrows(BottleneckException.class, () -> ConditionalVae.load(tmp.resolve("plain"))).getMessage();
            assertTrue(msg.contains("holds a dense autoencoder, not a conditional VAE"), msg);
        }
    }

    @Test
    void noNaNAcrossTenSeeds() {
        Table few = task.pairs(Fixtures.firstRows(images, 64));
        for (long seed = 0; seed < 10; seed++) {
            try (ConditionalVae m = ConditionalVae.builder().setTask(task).optHidden(List.of(16)).optLatent(2)
                    .optAlpha(0.5).optSeed(seed).build()) {
                TrainingResult r = ConditionalTrainer.builder()
                        .setConfig(TrainingConfig.builder().optEpochs(2).optBatchSize(16).optLearningRate(1e-2)
                                .optSeed(seed).build())
                        .build().fit(m, few);
                for (EpochRecord e : r.history()) {
                    assertTrue(Double.isFinite(e.trainLoss()), "seed " + seed + ": " + e);
                    for (var t : e.terms().entrySet()) {
                        assertTrue(Double.isFinite(t.getValue()), "seed " + seed + ": " + t.getKey() + " " + e);
                    }
                    assertTrue(Double.isFinite(e.validationLoss()), "seed " + seed + ": " + e);
                }
                for (double v : ConditionalEvaluation.nll(m, few, 3, seed).perRow()) {
                    assertTrue(Double.isFinite(v), "seed " + seed);
                }
                for (float v : ConditionalCompletion.complete(m, new float[][] {Arrays.copyOf(few.row(0), 196)}, 2, seed)[0][1]) {
                    assertFalse(Float.isNaN(v), "seed " + seed);
                }
            }
        }
    }

    private static double[] runOnce(long seed) {
        try (ConditionalVae m = small(ConditionalKind.CVAE, seed)) {
            TrainingResult r = train(m, task.pairs(Fixtures.firstRows(images, 96)), 2, seed, TrainingListener.NONE);
            double[] nll = ConditionalEvaluation.nll(m, test, 4, seed).perRow();
            double[] out = Arrays.copyOf(nll, nll.length + 2);
            out[nll.length] = r.history().get(0).trainLoss();
            out[nll.length + 1] = r.last().validationLoss();
            return out;
        }
    }

    @Test
    void sameSeedGivesTheSameNumbersTwice() {
        double[] a = runOnce(5);
        double[] b = runOnce(5);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, runOnce(6)), "another seed should give other numbers");
    }

    @Test
    void importanceSamplingTightensTheBoundAndTheBaselineIsItsBernoulliNll() {
        try (ConditionalVae m = small(ConditionalKind.CVAE, 4); ConditionalVae base = small(ConditionalKind.BASELINE, 4)) {
            train(m, pairs, 2, 4, TrainingListener.NONE);
            train(base, pairs, 2, 4, TrainingListener.NONE);
            double one = ConditionalEvaluation.nll(m, test, 1, 0).nll();
            double many = ConditionalEvaluation.nll(m, test, 50, 0).nll();
            // log-mean-exp of S weights is ≥ the mean of their logs: more samples, a tighter (lower) NLL bound
            assertTrue(many < one, "S=50: " + many + ", S=1: " + one);
            double prior = ConditionalEvaluation.nll(m, test, 50, 0, ConditionalEvaluation.Estimator.PRIOR).nll();
            assertTrue(Double.isFinite(prior));
            ConditionalEvaluation.Nll b = ConditionalEvaluation.nll(base, test, 100, 0);
            assertEquals(1, b.samples());
            try (NDManager sub = base.manager().newSubManager()) {
                NDArray xy = sub.create(test.values(), new Shape(test.rows(), 784));
                NDArray x = xy.get(new NDIndex(":, 0:196"));
                float[] direct = Objective.BERNOULLI.perRow(xy.get(new NDIndex(":, 196:")), base.generate(x, null, false)).toFloatArray();
                for (int i = 0; i < direct.length; i++) {
                    assertEquals(direct[i], b.perRow()[i], 1e-3);
                }
            }
        }
    }

    @Test
    void samplesForOneInputDifferAndThePictureIsWritten(@TempDir Path tmp) throws Exception {
        try (ConditionalVae m = small(ConditionalKind.CVAE, 7); ConditionalVae base = small(ConditionalKind.BASELINE, 7)) {
            train(m, pairs, 1, 7, TrainingListener.NONE);
            float[][] x = {Arrays.copyOf(test.row(0), 196), Arrays.copyOf(test.row(1), 196)};
            float[][][] c = ConditionalCompletion.complete(m, x, 5, 0);
            assertEquals(5, c[0].length);
            assertEquals(588, c[0][0].length);
            assertFalse(Arrays.equals(c[0][0], c[0][1]), "two draws of z should complete differently");
            assertArrayEquals(c[0][0], ConditionalCompletion.complete(m, x, 5, 0)[0][0], "seeded");
            assertEquals(1, ConditionalCompletion.complete(base, x, 5, 0)[0].length);
            Table imgs = Fixtures.fashion(40);
            int[] rows = ConditionalCompletion.diverseRows(imgs, 4);
            assertEquals(4, Arrays.stream(rows).mapToObj(imgs::label).distinct().count(), "one row per class");
            Path png = tmp.resolve("c.png");
            assertEquals(2 + 1 + 5, ConditionalCompletion.write(png, m, base, imgs, rows, 5, 0));
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            // 8 tiles across, 4 down
            assertTrue(img.getWidth() > img.getHeight() && img.getWidth() < 3 * img.getHeight(), img.toString());
        }
    }

    @Test
    void aStopRequestKeepsTheFinishedEpochs() {
        dev.bottleneck.train.StopSignal stop = new dev.bottleneck.train.StopSignal();
        try (ConditionalVae m = small(ConditionalKind.BASELINE, 1)) {
            TrainingResult r = ConditionalTrainer.builder()
                    .setConfig(TrainingConfig.builder().optEpochs(5).optBatchSize(64).optSeed(1).build())
                    .optListener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(EpochRecord record, int epochs) {
                            if (record.epoch() == 2) {
                                stop.request();
                            }
                        }
                    })
                    .optStopSignal(stop).build().fit(m, pairs);
            assertEquals(2, r.history().size());
            assertEquals(2, m.config().provenance().epochs());
            assertNotEquals(0, r.seconds());
        }
    }
}

package dev.bottleneck.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.bottleneck.BottleneckInput;
import dev.bottleneck.bottleneck.BottleneckOutput;
import dev.bottleneck.bottleneck.GaussianBottleneck;
import dev.bottleneck.bottleneck.GaussianSpec;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.objective.Objective;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VAE family: the Gaussian bottleneck, its KL term, training, evaluation and file round-trip. */
class VaeTest {
    static Table wdbc;
    static Table fashionTrain;
    static Table fashionTest;
    /** One Bernoulli MLP VAE trained once on Fashion-MNIST and shared by the evaluation tests. */
    static Autoencoder trained;

    @BeforeAll
    static void load() {
        wdbc = dev.bottleneck.data.DataSources.load(TestData.dataset("wdbc/wdbc.csv.gz"), "label", null);
        Path dir = TestData.dataset("fashion-mnist-2k");
        fashionTrain = IdxReader.readImages(dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("train-labels-idx1-ubyte.gz"), 600);
        fashionTest = IdxReader.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"), 100);
        trained = fashionVae(11);
        train(trained, fashionTrain, 4, 11);
    }

    static Autoencoder fashionVae(long seed) {
        return Autoencoder.builder()
                .setArchitecture(new DenseSpec(784, List.of(128), 8, Activation.RELU, false, 0, Activation.SIGMOID))
                .optBottleneck(GaussianSpec.of(1.0))
                .optObjective(Objective.BERNOULLI)
                .optScaler(ScalerKind.NONE)
                .optSeed(seed)
                .build();
    }

    static Autoencoder tableVae(long seed, GaussianSpec spec) {
        return Autoencoder.builder()
                .setArchitecture(new DenseSpec(30, List.of(32), 4, Activation.RELU, false, 0, null))
                .optBottleneck(spec)
                .optObjective(Objective.GAUSSIAN)
                .optSeed(seed)
                .build();
    }

    static TrainingResult train(Autoencoder m, Table data, int epochs, long seed) {
        return Trainer.builder()
                .setConfig(TrainingConfig.builder().optEpochs(epochs).optBatchSize(64).optLearningRate(2e-3)
                        .optSeed(seed).build())
                .build()
                .fit(m, data);
    }

    @Test
    void shapesInTrainingAndInference() {
        try (Autoencoder m = tableVae(1, GaussianSpec.of(1.0))) {
            m.setScaler(Scaler.fit(ScalerKind.STANDARD, wdbc), wdbc);
            assertEquals("vae", m.config().family());
            assertEquals("encoder.2.weight", m.parameters().keySet().stream().filter(k -> k.startsWith("encoder.2.w")).findFirst().orElseThrow());
            // the last encoder layer emits mean and log-variance: 2 × latent
            assertEquals(new Shape(8, 32), m.parameters().get("encoder.2.weight").getArray().getShape());
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray x = sub.create(m.prepare(wdbc), new Shape(wdbc.rows(), 30)).get("0:16, :");
                assertEquals(new Shape(16, 8), m.encodeRaw(x, false).getShape());
                Autoencoder.Forward f = m.forward(x, true);
                assertEquals(new Shape(16, 4), f.code().getShape());
                assertEquals(new Shape(16, 30), f.reconstruction().getShape());
                assertTrue(f.penalties().containsKey("kl"));
                assertTrue(f.penalties().get("kl").getFloat() >= 0);
                // inference decodes the mean: deterministic, no penalty
                Autoencoder.Forward a = m.forward(x, false);
                assertTrue(a.penalties().isEmpty());
                assertArrayEquals(a.code().toFloatArray(), m.encode(x).toFloatArray());
                assertArrayEquals(a.code().toFloatArray(), m.encodeRaw(x, false).get(":, 0:4").toFloatArray());
            }
            assertEquals(4, m.encode(wdbc)[0].length);
        }
    }

    @Test
    void convVaeShapesAndEvaluation() {
        Table few = dev.bottleneck.model.Fixtures.firstRows(fashionTest, 16);
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(dev.bottleneck.model.Fixtures.conv(3))
                .optBottleneck(GaussianSpec.of(1.0)).optObjective(Objective.BERNOULLI).optSeed(2).build()) {
            m.setScaler(Scaler.fit(ScalerKind.NONE, few), few);
            try (NDManager sub = m.manager().newSubManager()) {
                NDArray x = sub.create(m.prepare(few), new Shape(16, 784));
                assertEquals(new Shape(16, 6), m.encodeRaw(x, false).getShape());
                Autoencoder.Forward f = m.forward(x, true);
                assertEquals(new Shape(16, 3), f.code().getShape());
                assertEquals(new Shape(16, 784), f.reconstruction().getShape());
            }
            VaeEvaluation.LogLikelihood ll = VaeEvaluation.logLikelihood(m, few, 3, 0);
            assertTrue(Double.isFinite(ll.logLikelihood()));
            assertEquals(9 * 3, VaeGeneration.traverse(m, few.row(0), 9, 2).length);
            double[] score = VaeEvaluation.anomalyScore(m, few, 2, 0);
            double[] rlp = VaeEvaluation.reconstructionLogProbability(m, few, 2, 0);
            assertEquals(-rlp[5], score[5]);
        }
    }

    @Test
    void klMatchesTheClosedFormAndIsNonNegative() {
        try (NDManager mgr = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray mu = mgr.create(new float[] {1, 2, 0, 0}, new Shape(2, 2));
            NDArray lv = mgr.create(new float[] {0, (float) Math.log(4), 0, 0}, new Shape(2, 2));
            float[] kl = GaussianBottleneck.klPerRow(mu, lv).toFloatArray();
            // ½[(1 + 1 − 1 − 0) + (4 + 4 − 1 − ln 4)]; a standard normal has KL 0
            assertEquals(0.5 * (1 + 7 - Math.log(4)), kl[0], 1e-5);
            assertEquals(0, kl[1], 1e-7);
            Engines.seed(3);
            NDArray m2 = mgr.randomNormal(new Shape(200, 6)).mul(3f);
            NDArray l2 = mgr.randomNormal(new Shape(200, 6)).mul(4f);
            for (float v : GaussianBottleneck.klPerRow(m2, l2).toFloatArray()) {
                assertTrue(v >= -1e-4, "KL " + v);
            }
        }
    }

    @Test
    void logVarianceIsClampedAndWarmUpRampsTheWeight() {
        GaussianSpec spec = new GaussianSpec(2.0, 100, -30, 20);
        assertEquals(0.0, spec.klWeight(0));
        assertEquals(1.0, spec.klWeight(50), 1e-12);
        assertEquals(2.0, spec.klWeight(100));
        assertEquals(2.0, spec.klWeight(1000));
        GaussianBottleneck g = (GaussianBottleneck) spec.create(2);
        try (NDManager mgr = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray enc = mgr.create(new float[] {0, 0, 500, -500}, new Shape(1, 4));
            assertArrayEquals(new float[] {20, -30}, g.logVariance(enc).toFloatArray());
            BottleneckInput in = new BottleneckInput(enc, enc, true, a -> a);
            g.setTrainingStep(0);
            BottleneckOutput out = g.apply(in);
            assertEquals(0f, out.penalties().get("kl").getFloat());
            assertTrue(Float.isFinite(out.code().sum().getFloat()));
            g.setTrainingStep(100);
            assertTrue(g.apply(in).penalties().get("kl").getFloat() > 0);
        }
        assertThrows(BottleneckException.class, () -> new GaussianSpec(-1, 0, -30, 20).validate());
        assertThrows(BottleneckException.class, () -> new GaussianSpec(1, -1, -30, 20).validate());
        assertThrows(BottleneckException.class, () -> new GaussianSpec(1, 0, 5, 5).validate());
    }

    @Test
    void likelihoodObjectivesAreInNats() {
        try (NDManager mgr = Engines.newManager(ai.djl.Device.cpu())) {
            NDArray x = mgr.create(new float[] {1, 0, 0.5f}, new Shape(1, 3));
            NDArray p = mgr.create(new float[] {0.8f, 0.1f, 0.5f}, new Shape(1, 3));
            double bern = -(Math.log(0.8) + Math.log(0.9) + Math.log(0.5));
            assertEquals(bern, Objective.BERNOULLI.perRow(x, p).getFloat(), 1e-5);
            double gauss = 0.5 * (0.04 + 0.01 + 0) + 1.5 * Math.log(2 * Math.PI);
            assertEquals(gauss, Objective.GAUSSIAN.perRow(x, p).getFloat(), 1e-5);
        }
        assertEquals(Objective.BERNOULLI, Objective.parse("bernoulli"));
        assertEquals(Objective.GAUSSIAN, Vae.likelihood(Objective.MSE));
        assertEquals(Objective.BERNOULLI, Vae.likelihood(Objective.BCE));
    }

    @Test
    void noNaNAcrossTenSeeds() {
        for (long seed = 0; seed < 10; seed++) {
            try (Autoencoder m = tableVae(seed, GaussianSpec.of(1.0, 5))) {
                TrainingResult r = train(m, wdbc, 2, seed);
                for (EpochRecord e : r.history()) {
                    assertTrue(Double.isFinite(e.trainLoss()), "seed " + seed + ": " + e);
                    assertTrue(Double.isFinite(e.terms().get("kl")), "seed " + seed + ": " + e);
                }
                VaeEvaluation.Elbo elbo = VaeEvaluation.elbo(m, wdbc, 1, seed);
                assertTrue(Double.isFinite(elbo.elbo()), "seed " + seed);
                for (float[] row : m.encode(wdbc)) {
                    for (float v : row) {
                        assertFalse(Float.isNaN(v), "seed " + seed);
                    }
                }
            }
        }
    }

    @Test
    void sameSeedSameNumbers() {
        double[] a = runOnce(5);
        double[] b = runOnce(5);
        assertArrayEquals(a, b);
    }

    private static double[] runOnce(long seed) {
        try (Autoencoder m = tableVae(seed, GaussianSpec.of(0.5, 10))) {
            TrainingResult r = train(m, wdbc, 2, seed);
            return new double[] {
                r.last().trainLoss(), r.last().terms().get("kl"),
                VaeEvaluation.elbo(m, wdbc, 2, 9).elbo(),
                VaeEvaluation.logLikelihood(m, wdbc, 5, 9).logLikelihood(),
                VaeGeneration.sample(m, 3, 9)[2][7]
            };
        }
    }

    @Test
    void importanceSampledLogLikelihoodIsAboveTheElbo() {
        VaeEvaluation.Elbo elbo = VaeEvaluation.elbo(trained, fashionTest, 1, 1);
        VaeEvaluation.LogLikelihood ll = VaeEvaluation.logLikelihood(trained, fashionTest, 64, 1);
        assertEquals(fashionTest.rows(), ll.perRow().length);
        assertTrue(elbo.kl() > 0, "KL " + elbo.kl());
        assertTrue(elbo.elbo() < 0 && ll.logLikelihood() < 0, elbo + " " + ll.logLikelihood());
        // the IS bound is tighter than the ELBO: log p(x) ≥ IS_k ≥ ELBO (in expectation)
        assertTrue(ll.logLikelihood() > elbo.elbo(), "IS " + ll.logLikelihood() + " vs ELBO " + elbo.elbo());
        // a 784-pixel Bernoulli ELBO of a briefly trained small VAE: a few hundred nats
        assertTrue(elbo.elbo() > -600, "ELBO " + elbo.elbo());
        // per-row reconstruction log-probability: ELBO + KL, finite, higher for real data than noise
        double[] rlp = VaeEvaluation.reconstructionLogProbability(trained, fashionTest, 4, 1);
        assertEquals(fashionTest.rows(), rlp.length);
        float[][] noise = new float[5][784];
        java.util.Random r = new java.util.Random(0);
        for (float[] row : noise) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextFloat();
            }
        }
        double[] noiseLp = VaeEvaluation.reconstructionLogProbability(trained, Table.of(noise), 4, 1);
        double meanReal = java.util.Arrays.stream(rlp).average().orElseThrow();
        double meanNoise = java.util.Arrays.stream(noiseLp).average().orElseThrow();
        assertTrue(meanReal > meanNoise, meanReal + " vs noise " + meanNoise);
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("vae");
        trained.save(dir, false);
        String json = Files.readString(dir.resolve("config.json"));
        assertTrue(json.contains("\"type\" : \"gaussian\""), json);
        assertTrue(json.contains("\"beta\" : 1.0"), json);
        try (Autoencoder loaded = Autoencoder.load(dir)) {
            assertTrue(Vae.isVae(loaded));
            assertEquals(trained.config().bottleneck(), loaded.config().bottleneck());
            Table some = dev.bottleneck.model.Fixtures.firstRows(fashionTest, 20);
            assertArrayEquals(trained.encode(some)[3], loaded.encode(some)[3]);
            assertEquals(VaeEvaluation.elbo(trained, some, 1, 4).elbo(), VaeEvaluation.elbo(loaded, some, 1, 4).elbo(), 1e-9);
        }
    }
}

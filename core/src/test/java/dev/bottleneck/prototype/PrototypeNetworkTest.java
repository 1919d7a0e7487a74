package dev.bottleneck.prototype;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingInterruptedException;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** The prototype network on 300 Fashion-MNIST images (a few optimizer steps each: fast, not accurate). */
class PrototypeNetworkTest {
    private static Table train;
    private static Table test;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        Table all = DataSources.load(TestData.dataset("fashion-mnist-2k/train-images-idx3-ubyte.gz"), null, ImputePolicy.REJECT);
        train = all.select(range(0, 300));
        test = DataSources.load(TestData.dataset("fashion-mnist-2k/t10k-images-idx3-ubyte.gz"), null, ImputePolicy.REJECT)
                .select(range(0, 40));
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static PrototypeNetwork network(long seed) {
        return PrototypeNetwork.builder().forData(train, 10, Activation.RELU).optSeed(seed).build();
    }

    private static TrainingConfig config(int epochs) {
        return TrainingConfig.builder().optEpochs(epochs).optBatchSize(150).optLearningRate(0.002)
                .optValidationFraction(0).optSeed(3).build();
    }

    private static TrainingResult fit(PrototypeNetwork net, int epochs) {
        return PrototypeTrainer.builder().setConfig(config(epochs)).build().fit(net, train);
    }

    @Test
    void forwardHasThePapersShapes() {
        try (PrototypeNetwork net = network(0); NDManager m = net.manager().newSubManager()) {
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), net.classes());
            PrototypeNetwork.Forward f = net.forward(m.create(train.values(), new Shape(300, 784)).get("0:4"), false);
            assertEquals(new Shape(4, 40), f.code().getShape()); // 28×28 → 2×2×10
            assertEquals(new Shape(4, 784), f.reconstruction().getShape());
            assertEquals(new Shape(4, 15), f.distances().getShape());
            assertEquals(new Shape(4, 10), f.logits().getShape());
            assertEquals(new Shape(15, 40), net.parameters().get("prototypes").getArray().getShape());
            assertEquals(new Shape(10, 15), net.parameters().get("classifier.weight").getArray().getShape());
        }
    }

    @Test
    void trainingReducesTheLossAndTheSameSeedGivesTheSameNumbers() {
        try (PrototypeNetwork a = network(1); PrototypeNetwork b = network(1)) {
            TrainingResult ra = fit(a, 3);
            TrainingResult rb = fit(b, 3);
            assertTrue(ra.last().trainLoss() < ra.history().get(0).trainLoss(), ra.history().toString());
            for (int i = 0; i < 3; i++) {
                assertEquals(ra.history().get(i).trainLoss(), rb.history().get(i).trainLoss(), 0.0);
            }
            List<Prediction> pa = a.predict(test);
            List<Prediction> pb = b.predict(test);
            for (int i = 0; i < pa.size(); i++) {
                assertArrayEquals(pa.get(i).probabilities(), pb.get(i).probabilities(), 0f);
            }
        }
    }

    @Test
    void saveAndLoadGiveIdenticalPredictionsAndProvenance() {
        Path dir = tmp.resolve("model");
        try (PrototypeNetwork net = network(2)) {
            fit(net, 1);
            net.save(dir, false);
            try (PrototypeNetwork back = PrototypeNetwork.load(dir)) {
                List<Prediction> p = net.predict(test);
                List<Prediction> q = back.predict(test);
                for (int i = 0; i < p.size(); i++) {
                    assertEquals(p.get(i).label(), q.get(i).label());
                    assertArrayEquals(p.get(i).probabilities(), q.get(i).probabilities(), 0f);
                    assertArrayEquals(p.get(i).distances(), q.get(i).distances(), 0f);
                }
                assertEquals(3, back.config().provenance().seed());
                assertEquals(LossWeights.PAPER, back.config().training().lossWeights());
                assertEquals(net.classes(), back.classes());
            }
        }
    }

    @Test
    void explanationPicturesAreWritten() throws Exception {
        try (PrototypeNetwork net = network(4)) {
            fit(net, 1);
            Explanation e = net.explain(test.row(0));
            assertEquals(15, e.prototypes().length);
            assertEquals(784, e.prototypes()[0].length);
            assertEquals(e.prediction().label(), net.predict(test).get(0).label());
            Path png = tmp.resolve("explain.png");
            PrototypePlots.writeExplanation(png, e);
            PrototypePlots.writePrototypes(tmp.resolve("prototypes.png"), net);
            PrototypePlots.writeWeights(tmp.resolve("weights.png"), net);
            for (String f : new String[] {"explain.png", "prototypes.png", "weights.png"}) {
                BufferedImage img = ImageIO.read(tmp.resolve(f).toFile());
                assertTrue(img != null && img.getWidth() > 100 && img.getHeight() > 50, f);
            }
        }
    }

    @Test
    void aRunStoppedAfterOneEpochAndResumedEqualsAnUninterruptedRun() {
        Path ckpt = tmp.resolve("ckpt");
        StopSignal stop = new StopSignal();
        TrainingListener stopAfterFirst = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochRecord r, int epochs) {
                stop.request();
            }
        };
        try (PrototypeNetwork straight = network(5); PrototypeNetwork first = network(5)) {
            TrainingResult full = fit(straight, 2);
            PrototypeTrainer.Builder tb = PrototypeTrainer.builder().setConfig(config(2)).optCheckpointDir(ckpt);
            assertThrows(TrainingInterruptedException.class,
                    () -> tb.optListener(stopAfterFirst).optStopSignal(stop).build().fit(first, train));
            PrototypeCheckpoint state = dev.bottleneck.train.Checkpoints.readState(ckpt, PrototypeCheckpoint.class);
            assertEquals(1, state.epochsCompleted());
            try (PrototypeNetwork resumed = PrototypeNetwork.fromConfig(state.model(), ai.djl.Device.cpu(), 99)) {
                TrainingResult r = PrototypeTrainer.builder().fromSettings(state.training()).optCheckpointDir(ckpt)
                        .optResume(true).build().fit(resumed, train);
                assertTrue(r.resumed());
                assertEquals(full.last().trainLoss(), r.last().trainLoss(), 0.0);
                assertArrayEquals(straight.predict(test).get(0).probabilities(), resumed.predict(test).get(0).probabilities(), 0f);
            }
        }
    }

    @Test
    void withoutPrototypeTermsR1AndR2AreStillReportedButNotTrained() {
        try (PrototypeNetwork net = network(6)) {
            TrainingResult r = PrototypeTrainer.builder().setConfig(config(1))
                    .optLossWeights(LossWeights.PAPER.withoutPrototypeTerms()).build().fit(net, train);
            EpochRecord e = r.last();
            double weighted = 20 * e.terms().get("cross_entropy") + e.terms().get("reconstruction");
            assertEquals(weighted, e.trainLoss(), 1e-3 * weighted);
            assertTrue(e.terms().get("r1") > 0);
        }
    }

    @Test
    void elasticDeformationChangesTrainingButStaysReproducible() {
        TrainingConfig c = config(1);
        try (PrototypeNetwork a = network(7); PrototypeNetwork b = network(7); PrototypeNetwork plain = network(7)) {
            double la = PrototypeTrainer.builder().setConfig(c).optElastic(ElasticDeformation.PAPER, 1).build()
                    .fit(a, train).last().trainLoss();
            double lb = PrototypeTrainer.builder().setConfig(c).optElastic(ElasticDeformation.PAPER, 1).build()
                    .fit(b, train).last().trainLoss();
            double lp = PrototypeTrainer.builder().setConfig(c).build().fit(plain, train).last().trainLoss();
            assertEquals(la, lb, 0.0);
            assertTrue(la != lp);
        }
    }

    @Test
    void worksOnTabularDataWithADenseAutoencoder() {
        Table wdbc = DataSources.load(TestData.dataset("wdbc/wdbc.csv.gz"), "label", ImputePolicy.REJECT);
        try (PrototypeNetwork net = PrototypeNetwork.builder().forData(wdbc, 4, Activation.RELU).optPrototypes(4).build()) {
            assertTrue(net.config().architecture() instanceof DenseCoderSpec);
            TrainingResult r = PrototypeTrainer.builder()
                    .setConfig(TrainingConfig.builder().optEpochs(5).optBatchSize(64).optValidationFraction(0).build())
                    .build().fit(net, wdbc);
            assertTrue(r.last().trainLoss() < r.history().get(0).trainLoss(), r.history().toString());
            for (Prediction p : net.predict(wdbc)) {
                assertTrue(net.classes().contains(p.label()));
                assertEquals(4, p.distances().length);
            }
            Explanation e = net.explain(wdbc.row(0));
            assertEquals(30, e.prototypes()[0].length);
            net.save(tmp.resolve("dense"), false);
            try (PrototypeNetwork back = PrototypeNetwork.load(tmp.resolve("dense"))) {
                assertEquals(net.config().architecture(), back.config().architecture());
                assertArrayEquals(net.predict(wdbc).get(5).probabilities(), back.predict(wdbc).get(5).probabilities(), 0f);
            }
        }
    }

    @Test
    void badInputGetsOneSentence() throws Exception {
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> PrototypeNetwork.builder().forData(train, 10, Activation.RELU).optPrototypes(0).build());
        assertEquals("the number of prototypes must be a positive whole number, got 0", e.getMessage());
        e = assertThrows(BottleneckException.class, () -> PrototypeTrainer.builder().setConfig(config(1))
                .optLossWeights(new LossWeights(20, 1, -1, 1)).build());
        assertEquals("R1 weight (λ1) must be a finite number ≥ 0, got -1.0", e.getMessage());
        Table noLabels = new Table(train.values(), 300, 784, train.columns(), null, null, new int[] {1, 28, 28}, "pixels.csv");
        e = assertThrows(BottleneckException.class, () -> PrototypeNetwork.classesOf(noLabels));
        assertTrue(e.getMessage().startsWith("pixels.csv has no labels"), e.getMessage());
        String[] labels = new String[300];
        java.util.Arrays.fill(labels, "boot");
        Table other = new Table(train.values(), 300, 784, train.columns(), labels, "label", new int[] {1, 28, 28}, "other.csv");
        try (PrototypeNetwork net = network(8)) {
            e = assertThrows(BottleneckException.class, () -> net.labelIndices(other));
            assertEquals("other.csv, row 1: label \"boot\" is not one of the model's classes [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
                    e.getMessage());
        }
        Path notProto = tmp.resolve("ae");
        Files.createDirectories(notProto);
        Files.writeString(notProto.resolve("config.json"), "{\"format_version\": 1, \"family\": \"conv\"}");
        e = assertThrows(BottleneckException.class, () -> PrototypeNetwork.load(notProto));
        assertEquals(notProto + " holds a \"conv\" model, not a prototype network (train one with `bottleneck prototypes train`)",
                e.getMessage());
    }
}

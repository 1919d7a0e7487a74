package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingInterruptedException;
import dev.bottleneck.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped (at an epoch's end or inside an epoch) and resumed from its checkpoint ends with
 * the same SAE, history and token count as the run that was never stopped.
 */
class SaeCheckpointTest {
    static final int EPOCHS = 4;
    @TempDir static Path dir;
    static ActivationStore store;
    static ActivationStore other;
    static NDManager manager;

    @BeforeAll
    static void data() {
        store = Synthetic.store(dir.resolve("store"), 32, 96, 3, 4000, 500, 11);
        other = Synthetic.store(dir.resolve("other"), 32, 96, 3, 3000, 500, 12);
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static SaeConfig config(SaeArchitecture a, int k) {
        // few dead tokens, so that the AuxK loss (and thus the saved counters) takes part
        return SaeConfig.builder().setShape(32, 128).setHook("blocks.0.hook_resid_post", "synthetic", store.info().scale())
                .optArchitecture(a).optK(k).optDeadTokens(300).optSeed(5).build();
    }

    static TrainingConfig training() {
        return TrainingConfig.builder().optEpochs(EPOCHS).optBatchSize(256).optLearningRate(4e-3).optWarmupSteps(20)
                .optSeed(5).build();
    }

    static SparseAutoencoder create(SaeConfig c, ActivationStore s) {
        float[] mean = s.mean(ActivationStore.Split.TRAIN, 0, true);
        return SparseAutoencoder.create(c, manager, mean, mean);
    }

    /** Stops when epoch {@code epoch} (1-based) has done {@code batch} batches (0: at the epoch's end). */
    static TrainingListener stopAt(StopSignal stop, int epoch, int batch) {
        return new TrainingListener() {
            @Override
            public void onBatch(int e, int b, double loss) {
                if (e == epoch && b == batch) {
                    stop.request();
                }
            }

            @Override
            public void onEpochEnd(EpochRecord r, int epochs) {
                if (batch == 0 && r.epoch() == epoch) {
                    stop.request();
                }
            }
        };
    }

    /** Trains to the end uninterrupted, and again stopped at (epoch, batch) and resumed; compares the two. */
    static void resumedEqualsUninterrupted(SaeArchitecture a, int epoch, int batch) {
        SaeConfig c = config(a, 3);
        Path ckpt = dir.resolve(a.id() + "-" + epoch + "-" + batch + ".ckpt");
        try (SparseAutoencoder straight = create(c, store); SparseAutoencoder resumed = create(c, store)) {
            SaeTrainingResult want = SaeTrainer.builder().setConfig(training()).build().fit(straight, store);
            if (a == SaeArchitecture.TOPK) {
                assertTrue(want.deadFraction() > 0, "the run needs dead latents for the saved counters to matter");
            }

            StopSignal stop = new StopSignal();
            SaeTrainer stopping = SaeTrainer.builder().setConfig(training()).optCheckpointDir(ckpt).optStopSignal(stop)
                    .optListener(stopAt(stop, epoch, batch)).build();
            TrainingInterruptedException e = assertThrows(TrainingInterruptedException.class,
                    () -> stopping.fit(resumed, store));
            assertTrue(e.getMessage().contains(ckpt.toString()), e.getMessage());
            SaeCheckpoint state = Checkpoints.readState(ckpt, SaeCheckpoint.class);
            assertEquals(batch == 0 ? epoch : epoch - 1, state.epochsCompleted());
            assertEquals(batch, state.nextBatch());

            // a fresh SAE: everything must come from the checkpoint
            try (SparseAutoencoder fresh = create(c, store)) {
                SaeTrainingResult got = SaeTrainer.builder().setConfig(training()).optCheckpointDir(ckpt).optResume(true)
                        .build().fit(fresh, store);
                assertFalse(got.interrupted());
                assertEquals(want.steps(), got.steps());
                assertEquals(want.tokens(), got.tokens());
                assertEquals(want.deadFraction(), got.deadFraction());
                assertEquals(EPOCHS, got.history().size());
                for (int i = 0; i < EPOCHS; i++) {
                    EpochRecord w = want.history().get(i);
                    EpochRecord g = got.history().get(i);
                    assertEquals(w.trainLoss(), g.trainLoss(), 1e-9, "loss of epoch " + (i + 1));
                    assertEquals(w.terms().keySet(), g.terms().keySet());
                    for (String t : w.terms().keySet()) {
                        assertEquals(w.terms().get(t), g.terms().get(t), 1e-9, t + " of epoch " + (i + 1));
                    }
                }
                for (String name : straight.parameters().keySet()) {
                    assertArrayEquals(straight.array(name).toFloatArray(), fresh.array(name).toFloatArray(), 1e-6f,
                            a.id() + " " + name);
                }
            }
        }
    }

    @Test
    void topKStoppedAfterEpochTwoResumesToTheSameSae() {
        resumedEqualsUninterrupted(SaeArchitecture.TOPK, 2, 0);
    }

    @Test
    void topKStoppedInsideAnEpochResumesToTheSameSae() {
        resumedEqualsUninterrupted(SaeArchitecture.TOPK, 3, 5);
    }

    @Test
    void batchTopKKeepsItsThresholdAcrossAResume() {
        resumedEqualsUninterrupted(SaeArchitecture.BATCHTOPK, 2, 7);
    }

    @Test
    void jumpReluResumes() {
        resumedEqualsUninterrupted(SaeArchitecture.JUMPRELU, 1, 0);
    }

    @Test
    void reluResumes() {
        resumedEqualsUninterrupted(SaeArchitecture.RELU, 2, 3);
    }

    @Test
    void refusesOtherSettingsOrAnotherStoreAndANoCheckpoint() {
        Path ckpt = dir.resolve("refuse.ckpt");
        StopSignal stop = new StopSignal();
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK, 3), store)) {
            assertThrows(TrainingInterruptedException.class, () -> SaeTrainer.builder().setConfig(training())
                    .optCheckpointDir(ckpt).optStopSignal(stop).optListener(stopAt(stop, 1, 0)).build().fit(sae, store));
        }
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK, 4), store)) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeTrainer.builder()
                    .setConfig(training()).optCheckpointDir(ckpt).optResume(true).build().fit(sae, store));
            assertTrue(e.getMessage().contains("k 3 in the checkpoint, 4 now"), e.getMessage());
        }
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK, 3), store)) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeTrainer.builder()
                    .setConfig(training().toBuilder().optEpochs(8).build()).optCheckpointDir(ckpt).optResume(true)
                    .build().fit(sae, store));
            assertTrue(e.getMessage().contains("epochs 4 in the checkpoint, 8 now"), e.getMessage());
        }
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK, 3), other)) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeTrainer.builder()
                    .setConfig(training()).optCheckpointDir(ckpt).optResume(true).build().fit(sae, other));
            assertTrue(e.getMessage().contains("it was trained on store " + store.dir()), e.getMessage());
        }
        try (SparseAutoencoder sae = create(config(SaeArchitecture.TOPK, 3), store)) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> SaeTrainer.builder()
                    .setConfig(training()).optCheckpointDir(dir.resolve("none.ckpt")).optResume(true).build()
                    .fit(sae, store));
            assertTrue(e.getMessage().contains("no checkpoint to resume"), e.getMessage());
        }
    }
}

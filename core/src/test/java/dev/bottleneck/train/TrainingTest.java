package dev.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.bottleneck.ContractiveSpec;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.CorruptionSpec;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.Fixtures;
import dev.bottleneck.nn.Activation;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The training loop on real data: progress, reproducibility, early stopping, schedule, clipping. */
class TrainingTest {

    static Autoencoder dense(long seed) {
        return Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(16), 4)).optSeed(seed).build();
    }

    static TrainingConfig.Builder cfg() {
        return TrainingConfig.builder().optBatchSize(32).optLearningRate(1e-3).optSeed(1);
    }

    static TrainingResult fit(Autoencoder m, TrainingConfig c, Table data) {
        return Trainer.builder().setConfig(c).build().fit(m, data);
    }

    /** A drop of at least 10 % from the first epoch's mean loss: far more than epoch-to-epoch noise. */
    static void assertLossFell(TrainingResult r) {
        double first = r.history().get(0).trainLoss();
        double last = r.last().trainLoss();
        assertTrue(last < 0.9 * first, "train loss went from " + first + " to " + last);
        assertTrue(r.last().validationLoss() < r.history().get(0).validationLoss(), "validation loss fell too");
    }

    @Test
    void denseLossFallsOnWdbc() {
        try (Autoencoder m = dense(0)) {
            TrainingResult r = fit(m, cfg().optEpochs(8).build(), Fixtures.wdbc());
            assertEquals(8, r.history().size());
            assertEquals(8, r.bestEpoch());
            assertFalse(r.stoppedEarly());
            assertFalse(r.resumed());
            assertLossFell(r);
            // 367 rows, 10 % held out → 331 training rows; batches of 32 → 10 full + one of 11
            assertEquals(11L * 8, r.last().step());
            assertNotNull(m.scaler());
            assertNotNull(m.config().provenance());
            assertEquals(8, m.config().provenance().epochs());
        }
    }

    @Test
    void convLossFallsOnFashion() {
        Table images = Fixtures.fashion(2000);
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.conv(8)).optSeed(0).build()) {
            TrainingResult r = fit(m, cfg().optEpochs(3).optBatchSize(64).optLearningRate(3e-3).build(), images);
            assertEquals(3, r.history().size());
            assertLossFell(r);
        }
    }

    @Test
    void contractiveTrainsAndRecordsItsPenalty() {
        // regression: a double penalty weight once made the total loss float64, and getFloat() threw
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(16), 4))
                .optBottleneck(ContractiveSpec.of(0.1)).optSeed(0).build()) {
            TrainingResult r = fit(m, cfg().optEpochs(8).build(), Fixtures.wdbc());
            for (EpochRecord e : r.history()) {
                Double p = e.terms().get("contractive");
                assertNotNull(p, "the penalty is in the history");
                assertTrue(p > 0 && p < e.trainLoss(), "penalty " + p + " is part of the loss " + e.trainLoss());
            }
            assertLossFell(r);
        }
    }

    /** Dropout and input noise too, so the engine's generator is exercised, not only init and shuffling. */
    static Autoencoder noisy(long seed) {
        return Autoencoder.builder()
                .setArchitecture(new DenseSpec(30, List.of(16), 4, Activation.RELU, true, 0.1, Activation.NONE))
                .optCorruption(CorruptionSpec.gaussian(0.1))
                .optSeed(seed)
                .build();
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        Table data = Fixtures.wdbc();
        Map<String, float[]> w1;
        Map<String, float[]> w2;
        Map<String, float[]> w3;
        TrainingResult r1;
        TrainingResult r2;
        TrainingResult r3;
        try (Autoencoder a = noisy(5); Autoencoder b = noisy(5); Autoencoder c = noisy(6)) {
            r1 = fit(a, cfg().optEpochs(3).optSeed(5).build(), data);
            w1 = Fixtures.weights(a);
            r2 = fit(b, cfg().optEpochs(3).optSeed(5).build(), data);
            w2 = Fixtures.weights(b);
            r3 = fit(c, cfg().optEpochs(3).optSeed(6).build(), data);
            w3 = Fixtures.weights(c);
            assertTrue(Fixtures.sameBits(w1, w2), "same seed: bitwise identical weights");
            assertFalse(Fixtures.sameBits(w1, w3), "different seed: different weights");
            assertTrue(java.util.Arrays.equals(a.score(data), b.score(data)));
        }
        for (int i = 0; i < 3; i++) {
            EpochRecord x = r1.history().get(i);
            EpochRecord y = r2.history().get(i);
            assertEquals(x.trainLoss(), y.trainLoss(), 0.0);
            assertEquals(x.validationLoss(), y.validationLoss(), 0.0);
            assertEquals(x.step(), y.step());
            assertEquals(x.learningRate(), y.learningRate(), 0.0);
            assertTrue(x.trainLoss() != r3.history().get(i).trainLoss());
        }
    }

    static double meanScore(Autoencoder m, Table t) {
        double s = 0;
        for (double v : m.score(t)) {
            s += v;
        }
        return s / t.rows();
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestEpoch() {
        // min delta far above any possible improvement: only epoch 1 ever counts as "best", so with
        // patience 2 the run must stop after epoch 3 and hand back epoch 1's weights.
        Table data = Fixtures.wdbc();
        TrainingConfig c = cfg().optEpochs(20).optPatience(2).optMinDelta(1e6).optValidationFraction(0.2).build();
        try (Autoencoder m = dense(0)) {
            TrainingResult r = fit(m, c, data);
            assertTrue(r.stoppedEarly());
            assertEquals(3, r.history().size());
            assertEquals(1, r.bestEpoch());
            double epoch1 = r.history().get(0).validationLoss();
            assertTrue(r.history().get(2).validationLoss() < epoch1, "later epochs were better, yet not kept");
            Table val = Split.of(data, 0.2, c.seed()).validation();
            assertEquals(epoch1, meanScore(m, val), 1e-6 * epoch1);
            assertEquals(epoch1, m.config().provenance().bestValidationLoss(), 0.0);
        }
    }

    @Test
    void earlyStoppingKeepsTheMinimumValidationLoss() {
        // a high learning rate makes validation loss go up and down; whatever happens, the model
        // returned must score the best (lowest) validation loss in the history
        Table data = Fixtures.wdbc();
        TrainingConfig c = cfg().optEpochs(25).optPatience(3).optLearningRate(0.03).optValidationFraction(0.2).build();
        try (Autoencoder m = dense(0)) {
            TrainingResult r = fit(m, c, data);
            int argmin = 0;
            for (int i = 1; i < r.history().size(); i++) {
                if (r.history().get(i).validationLoss() < r.history().get(argmin).validationLoss()) {
                    argmin = i;
                }
            }
            double best = r.history().get(argmin).validationLoss();
            assertEquals(argmin + 1, r.bestEpoch());
            // (seeded, so deterministic: this run stalls and stops well before epoch 25)
            assertTrue(r.stoppedEarly());
            assertEquals(r.bestEpoch() + 3, r.history().size(), "stops exactly patience epochs after the best");
            Table val = Split.of(data, 0.2, c.seed()).validation();
            assertEquals(best, meanScore(m, val), 1e-6 * best);
        }
    }

    @Test
    void cosineScheduleWithWarmup() {
        double peak = 1e-2;
        double min = 1e-4;
        int warm = 10;
        long total = 110;
        TrainingConfig c = TrainingConfig.builder().optLearningRate(peak).optMinLearningRate(min)
                .optWarmupSteps(warm).optSchedule(TrainingConfig.Schedule.COSINE).build();
        LearningRateSchedule s = new LearningRateSchedule(c, total);
        // warm-up: step k (0-based) gets peak·(k+1)/warm
        assertEquals(peak * 1 / 10, s.at(0), 1e-15);
        assertEquals(peak * 5 / 10, s.at(4), 1e-15);
        assertEquals(peak, s.at(9), 1e-15);
        // cosine over the remaining 100 updates (indices 10..109), reaching the minimum at the last:
        // min + (peak − min)·(1 + cos(π·(k − warm)/99))/2
        assertEquals(peak, s.at(10), 1e-15);
        assertEquals(min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * 25 / 99)), s.at(35), 1e-15);
        assertEquals(min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * 90 / 99)), s.at(100), 1e-15);
        assertEquals(min, s.at(109), 1e-15, "the last update runs at the minimum");
        assertEquals(min, s.at(500), 1e-15, "held at the minimum past the end");
        // monotone after warm-up
        for (long k = warm; k < total; k++) {
            assertTrue(s.at(k + 1) <= s.at(k));
        }
        LearningRateSchedule constant = new LearningRateSchedule(
                TrainingConfig.builder().optLearningRate(peak).optWarmupSteps(4).build(), total);
        assertEquals(peak / 4, constant.at(0), 1e-15);
        assertEquals(peak, constant.at(3), 1e-15);
        assertEquals(peak, constant.at(109), 1e-15);
    }

    @Test
    void scheduleIsWhatTheTrainerUses() {
        TrainingConfig c = cfg().optEpochs(3).optLearningRate(1e-2).optMinLearningRate(1e-4).optWarmupSteps(5)
                .optSchedule(TrainingConfig.Schedule.COSINE).build();
        try (Autoencoder m = dense(0)) {
            TrainingResult r = fit(m, c, Fixtures.wdbc());
            LearningRateSchedule s = new LearningRateSchedule(c, 11L * 3);
            for (EpochRecord e : r.history()) {
                assertEquals(s.at(e.step() - 1), e.learningRate(), 0.0);
            }
            // the last update (index 32) runs at the minimum rate
            assertEquals(1e-4, r.last().learningRate(), 1e-15);
        }
    }

    @Test
    void clippedTrainingStillLearnsAndClippingIsApplied() {
        Table data = Fixtures.wdbc();
        try (Autoencoder clipped = dense(0); Autoencoder free = dense(0)) {
            TrainingResult r = fit(clipped, cfg().optEpochs(8).optClipNorm(0.5).build(), data);
            assertLossFell(r);
            fit(free, cfg().optEpochs(8).build(), data);
            // same seed and data; only the clipping differs, so different weights show it acted
            assertFalse(Fixtures.sameBits(Fixtures.weights(clipped), Fixtures.weights(free)));
        }
    }
}

package dev.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Long runs must not accumulate native memory. Two measures: the number of live arrays under the
 * model's manager (which {@code getManagedArrays()} counts recursively through every open
 * sub-manager: optimizer state, best-epoch snapshot, a step's scratch), and the process RSS, which
 * also sees native memory no manager tracks (an autograd graph kept alive, say).
 */
class MemoryTest {
    /** 331 training rows (WDBC less 10 % validation) in batches of 32: 11 steps per epoch. */
    static final int STEPS_PER_EPOCH = 11;

    static final int EPOCHS = 273; // 3 003 steps

    /** Resident set size of this process, in bytes, from /proc/self/status (VmRSS is in kB). */
    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long rssAfterGc() {
        // collect first so that garbage Java objects (and the native tensors of unreachable arrays,
        // were any left to finalizers) do not count as growth
        System.gc();
        try {
            return rss();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int arrays(Autoencoder m) {
        return m.manager().getManagedArrays().size();
    }

    /**
     * RSS bound: a 30-256-128-8 network on batches of 32 makes about 32 × (256 + 128 + 8 + 128 +
     * 256 + 30) floats ≈ 100 KB of activations per step, and as much again in gradients: leaking
     * one step's tensors would add ~500 MB over the 2 500 steps between the two measurements, and
     * even a fifth of them 100 MB. The bound, 96 MB, leaves room for what RSS does without a leak:
     * malloc arenas and the JVM's heap pages come and go by a few tens of MB (measured growth here
     * was −12 to −28 MB). The first measurement is at step 500, after the arenas' warm-up growth.
     */
    @Test
    void trainingStepsKeepMemoryFlat() {
        Autoencoder m = Autoencoder.builder()
                .setArchitecture(Fixtures.dense(30, List.of(256, 128), 8))
                .optSeed(0)
                .build();
        List<Integer> epochStartCounts = new ArrayList<>();
        long[] rssAt = new long[2];
        try (m) {
            int before = arrays(m);
            assertEquals(m.parameters().size(), before, "before training: the parameters, nothing else");
            TrainingListener l = new TrainingListener() {
                int steps;

                @Override
                public void onEpochStart(int epoch, int epochs, int batches, int firstBatch) {
                    assertEquals(STEPS_PER_EPOCH, batches);
                    epochStartCounts.add(arrays(m));
                }

                @Override
                public void onBatch(int epoch, int batch, double loss) {
                    steps++;
                    if (steps == 500) {
                        rssAt[0] = rssAfterGc();
                    }
                    if (epoch == EPOCHS && batch == STEPS_PER_EPOCH) {
                        rssAt[1] = rssAfterGc();
                    }
                }
            };
            long t0 = System.nanoTime();
            TrainingConfig c = TrainingConfig.builder().optEpochs(EPOCHS).optBatchSize(32).optSeed(0).build();
            TrainingResult r = Trainer.builder().setConfig(c).optListener(l).build().fit(m, Fixtures.wdbc());
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals((long) EPOCHS * STEPS_PER_EPOCH, r.last().step());

            // epoch 1 starts before the optimizer has created its moments; from epoch 2 on, the
            // live arrays are parameters + moments, the same at every epoch start
            int second = epochStartCounts.get(1);
            assertEquals(before + 2 * m.parameters().size(), second, "parameters and two Adam moments each");
            for (int i = 1; i < epochStartCounts.size(); i++) {
                assertEquals(second, epochStartCounts.get(i), "live arrays at the start of epoch " + (i + 1));
            }
            assertEquals(before, arrays(m), "after training, the optimizer's state is freed too");

            long growth = rssAt[1] - rssAt[0];
            assertTrue(growth < 96L << 20, "RSS grew by " + (growth >> 20) + " MB between step 500 and step "
                    + r.last().step() + " (" + seconds + " s)");
        }
    }

    /**
     * Scoring frees each batch's arrays with its sub-manager. Only the array count is asserted
     * here: RSS is not a usable signal for this loop, because glibc's per-thread malloc arenas
     * grow by ~150 MB over the first ~3 000 calls before levelling off (measured: 214, 326, 359,
     * 374, 372, 375 MB after each further 1 000 calls) — a plateau, not a leak, but too large and
     * slow to settle for a fast test to separate from one.
     */
    @Test
    void repeatedScoringKeepsArrayCountFlat() {
        Table data = Fixtures.wdbc();
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(16), 4)).build()) {
            Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(1).build()).build().fit(m, data);
            double[] first = m.score(data);
            int before = arrays(m);
            assertEquals(m.parameters().size(), before);
            for (int i = 0; i < 2000; i++) {
                m.score(data);
                if (i % 250 == 0) {
                    assertEquals(before, arrays(m), "live arrays after " + (i + 1) + " calls");
                }
            }
            assertEquals(before, arrays(m));
            assertTrue(java.util.Arrays.equals(first, m.score(data)), "scoring is repeatable");
        }
    }
}

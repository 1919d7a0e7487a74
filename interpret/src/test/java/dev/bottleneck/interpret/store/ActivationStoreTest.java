package dev.bottleneck.interpret.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.SharedModel;
import dev.bottleneck.interpret.TokenBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationStoreTest {
    static final Path PAPERS = Path.of("../datasets/corpora/autoencoder-papers.jsonl");
    static final String HOOK = "blocks.1.hook_resid_post";

    @TempDir static Path dir;
    static List<String> docs;
    static ActivationStore store;

    /** 3000 tokens in shards of 700 rows, so the buffer spills several times. */
    @BeforeAll
    static void collect() {
        docs = TextCorpus.read(PAPERS);
        ActivationCollector.builder()
                .setModel(SharedModel.model(), SharedModel.tokenizer())
                .setHook(HOOK)
                .setCorpus(docs, PAPERS.toString())
                .setTokens(3000)
                .optShardRows(700)
                .optBatchSize(16)
                .build()
                .collect(dir);
        store = ActivationStore.open(dir);
    }

    @Test
    void collectsExactlyTheBudgetWithHeldOutDocumentsApart() {
        StoreInfo info = store.info();
        assertTrue(info.complete());
        assertEquals(3000, info.train().rows());
        assertEquals(5, info.train().shards().size());
        assertTrue(info.heldOut().rows() > 0);
        int[] train = store.tokens(ActivationStore.Split.TRAIN, 0);
        int[] held = store.tokens(ActivationStore.Split.HELD_OUT, 0);
        for (int i = 0; i < train.length; i += 3) {
            assertNotEquals(19, train[i] % 20, "a held-out document reached the training split");
        }
        for (int i = 0; i < held.length; i += 3) {
            assertEquals(19, held[i] % 20);
        }
        for (int[] t : new int[][] {train, held}) {
            for (int i = 2; i < t.length; i += 3) {
                assertFalse(t[i] == 0 || t[i] == 101 || t[i] == 102, "padding or [CLS]/[SEP] stored: " + t[i]);
            }
        }
    }

    @Test
    void aStoredRowIsTheHookActivationOfItsDocumentAndPosition() {
        int[] meta = store.tokens(ActivationStore.Split.TRAIN, 5);
        float[] rows = store.batches(ActivationStore.Split.TRAIN, 5, false, 0, false, 5).next();
        int d = store.info().dIn();
        MiniLm model = SharedModel.model();
        for (int r = 0; r < 5; r++) {
            TokenBatch one = SharedModel.tokenizer().encode(List.of(docs.get(meta[r * 3])));
            assertEquals(meta[r * 3 + 2], one.ids()[meta[r * 3 + 1]]);
            try (NDManager m = model.manager().newSubManager()) {
                NDList in = one.toArrays(m);
                NDArray act = model.forward(in.get(0), in.get(1), Hooks.builder().optStopAfter(HOOK).build());
                float[] expected = act.get(0, meta[r * 3 + 1]).toFloatArray();
                // batched with padding at collection, alone here: equal to float rounding
                assertArrayEquals(expected, Arrays.copyOfRange(rows, r * d, (r + 1) * d), 1e-4f);
            }
        }
    }

    @Test
    void anEpochVisitsEveryRowOnceAndNormalisingGivesMeanNormSqrtD() {
        int d = store.info().dIn();
        ActivationStore.Batches plain = store.batches(ActivationStore.Split.TRAIN, 256, false, 0, true, 0);
        ActivationStore.Batches shuffled = store.batches(ActivationStore.Split.TRAIN, 256, true, 7, true, 0);
        assertEquals(12, shuffled.count());
        double[] a = summary(plain, d);
        double[] b = summary(shuffled, d);
        assertEquals(3000, a[0]);
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1], 1e-6 * Math.abs(a[1]));
        assertEquals(Math.sqrt(d), a[2] / a[0], 1e-3);
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherOrder() {
        float[] x = store.batches(ActivationStore.Split.TRAIN, 64, true, 3, false, 0).next();
        float[] y = store.batches(ActivationStore.Split.TRAIN, 64, true, 3, false, 0).next();
        float[] z = store.batches(ActivationStore.Split.TRAIN, 64, true, 4, false, 0).next();
        assertArrayEquals(x, y);
        assertFalse(Arrays.equals(x, z));
    }

    @Test
    void wordnetGlossesAreTheTextAfterTheBar() {
        List<String> glosses = TextCorpus.read(Path.of("../datasets/corpora/wordnet-sample/data.adv"));
        assertEquals(300, glosses.size());
        assertTrue(glosses.stream().noneMatch(g -> g.contains(" | ") || g.startsWith("  ")));
        assertTrue(glosses.stream().noneMatch(g -> g.contains("Princeton")), "the licence header was read as text");
    }

    @Test
    void aDirectoryWithoutAStoreIsRefusedClearly(@TempDir Path empty) {
        BottleneckException e = assertThrows(BottleneckException.class, () -> ActivationStore.open(empty));
        assertTrue(e.getMessage().contains("sae collect"), e.getMessage());
    }

    /** rows, sum of all values, sum of row norms. */
    private static double[] summary(ActivationStore.Batches batches, int d) {
        double rows = 0;
        double sum = 0;
        double norms = 0;
        while (batches.hasNext()) {
            float[] b = batches.next();
            for (int r = 0; r < b.length / d; r++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    sum += b[r * d + j];
                    sq += (double) b[r * d + j] * b[r * d + j];
                }
                norms += Math.sqrt(sq);
                rows++;
            }
        }
        return new double[] {rows, sum, norms};
    }
}

package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.core.JsonProcessingException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.StoreInfo;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.io.Json;

import java.nio.charset.StandardCharsets;

/**
 * Batches from an activation store's training split, scaled: the rows themselves for an SAE, the
 * rows and their paired target rows for a transcoder.
 */
public final class StoreTrainingData implements SaeTrainingData {
    private final ActivationStore store;
    private final boolean transcoder;
    private final int batchSize;
    private final long maxRows;

    /** At most {@code maxRows} rows per epoch (≤ 0: all); fails with a sentence when the store does not fit the SAE. */
    public StoreTrainingData(ActivationStore store, SaeConfig c, int batchSize, long maxRows) {
        check(store, c);
        this.store = store;
        this.transcoder = c.isTranscoder();
        this.batchSize = batchSize;
        this.maxRows = maxRows;
    }

    /** Checks that {@code store} holds what {@code c} reads (and, for a transcoder, predicts). */
    public static void check(ActivationStore store, SaeConfig c) {
        StoreInfo info = store.info();
        if (!info.hook().equals(c.hook())) {
            throw new BottleneckException("the store holds " + info.hook() + " but the SAE reads " + c.hook());
        }
        if (info.dIn() != c.dIn()) {
            throw new BottleneckException("the store holds " + info.dIn() + "-wide activations but the SAE reads "
                    + c.dIn());
        }
        if (c.isTranscoder() && !(c.targetHook().equals(info.targetHook()) && info.dTarget() == c.dOut())) {
            throw new BottleneckException("the transcoder predicts " + c.targetHook() + " (" + c.dOut() + " wide) but "
                    + "the store pairs " + info.hook() + " with " + (info.paired() ? info.targetHook() + " ("
                    + info.dTarget() + " wide)" : "nothing") + "; collect with `sae collect --hook " + c.hook()
                    + " --target-hook " + c.targetHook() + "`");
        }
    }

    @Override
    public String replayableSource() {
        StoreInfo info = store.info();
        return "store " + store.dir() + " (" + info.hook() + (transcoder ? " → " + info.targetHook() : "") + ", "
                + info.train().rows() + " training rows" + (maxRows > 0 ? ", at most " + maxRows + " per epoch" : "")
                + ")";
    }

    /** The store's description ({@code store.json}: hook, rows, shards, scale, seed) and the row limit. */
    @Override
    public String fingerprint() {
        try {
            return Hashes.sha256((Json.mapper().writeValueAsString(store.info()) + "\nmax_rows=" + maxRows
                    + "\ntranscoder=" + transcoder).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int batchesPerEpoch() {
        return store.batches(ActivationStore.Split.TRAIN, batchSize, false, 0, true, maxRows).count();
    }

    @Override
    public Epoch epoch(long seed) {
        ActivationStore.Batches data = store.batches(ActivationStore.Split.TRAIN, batchSize, true, seed, true, maxRows);
        return new Epoch() {
            @Override
            public boolean hasNext() {
                return data.hasNext();
            }

            @Override
            public void skip(int batches) {
                data.skip(batches);
            }

            @Override
            public SaeBatch next(NDManager m, SparseAutoencoder sae) {
                if (transcoder) {
                    NDList pair = data.nextPair(m);
                    return new SaeBatch(pair.get(0), pair.get(1), null);
                }
                NDArray x = data.next(m);
                return new SaeBatch(x, x, null);
            }
        };
    }
}

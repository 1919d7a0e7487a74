package dev.bottleneck.interpret.store;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.interpret.HookPoint;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.TokenBatch;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.StopSignal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Streams documents through MiniLM and stores one hook's activations for every real token:
 * padding is never stored, [CLS]/[SEP] optionally not. Every {@code heldOutEvery}-th document
 * (in corpus order) goes to a held-out split that training never sees. Documents are visited in a
 * seeded random order so that a token budget samples the whole corpus (sorted by length within
 * windows of 16 batches, to cut padding). The forward pass stops at
 * the hook. {@code store.json} is rewritten after every shard, so a stopped run keeps its shards.
 */
public final class ActivationCollector {
    private final MiniLm model;
    private final MiniLmTokenizer tokenizer;
    private final HookPoint hook;
    private final List<String> documents;
    private final String corpusName;
    private final long tokens;
    private final boolean excludeSpecial;
    private final int heldOutEvery;
    private final int batchSize;
    private final int shardRows;
    private final long seed;
    private final CollectListener listener;
    private final StopSignal stop;

    private ActivationCollector(Builder b) {
        this.model = b.model;
        this.tokenizer = b.tokenizer;
        this.hook = b.hook;
        this.documents = b.documents;
        this.corpusName = b.corpusName;
        this.tokens = b.tokens;
        this.excludeSpecial = b.excludeSpecial;
        this.heldOutEvery = b.heldOutEvery;
        this.batchSize = b.batchSize;
        this.shardRows = b.shardRows;
        this.seed = b.seed;
        this.listener = b.listener;
        this.stop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects into the (new or empty) directory {@code out} and returns what was written. */
    public StoreInfo collect(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BottleneckException("could not create " + out + ": " + e.getMessage(), e);
        }
        int d = hook.width(model.config());
        ShardWriter train = new ShardWriter(out, "train", d, shardRows, seed);
        ShardWriter heldOut = new ShardWriter(out, "heldout", d, shardRows, seed + 1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new Random(seed));
        // Within windows of 16 batches, sort by length so that a batch holds similar lengths:
        // padding is computed and thrown away, and glosses vary from 3 to 100+ tokens.
        int window = batchSize * 16;
        for (int w = 0; w < order.size(); w += window) {
            order.subList(w, Math.min(order.size(), w + window))
                    .sort(java.util.Comparator.comparingInt(i -> documents.get(i).length()));
        }
        double normSum = 0;
        long trainRows = 0;
        Hooks stopAt = Hooks.builder().optStopAfter(hook.toString()).build();
        try (NDManager scope = model.manager().newSubManager()) {
            for (int start = 0; start < order.size() && trainRows < tokens && !stop.isRequested(); start += batchSize) {
                List<Integer> docs = order.subList(start, Math.min(order.size(), start + batchSize));
                List<String> texts = new ArrayList<>();
                docs.forEach(i -> texts.add(documents.get(i)));
                TokenBatch batch = tokenizer.encode(texts);
                float[] acts;
                try (NDManager m = scope.newSubManager()) {
                    NDList in = batch.toArrays(m);
                    acts = model.forward(in.get(0), in.get(1), stopAt).toFloatArray();
                }
                for (int b = 0; b < batch.size(); b++) {
                    int doc = docs.get(b);
                    boolean held = heldOutEvery > 0 && doc % heldOutEvery == heldOutEvery - 1;
                    int real = batch.tokens().get(b).size();
                    int first = excludeSpecial ? 1 : 0;
                    int last = excludeSpecial ? real - 1 : real;
                    for (int t = first; t < last && (held || trainRows < tokens); t++) {
                        int row = b * batch.length() + t;
                        int token = (int) batch.ids()[row];
                        if (held) {
                            heldOut.add(acts, row * d, doc, t, token);
                        } else {
                            normSum += norm(acts, row * d, d);
                            trainRows++;
                            if (train.add(acts, row * d, doc, t, token)) {
                                writeInfo(out, d, train, heldOut, normSum, trainRows, false);
                            }
                        }
                    }
                }
                listener.onTokens(trainRows, tokens);
            }
        }
        train.flush();
        heldOut.flush();
        if (trainRows == 0) {
            throw new BottleneckException("corpus " + corpusName + " gave no training tokens at " + hook);
        }
        return writeInfo(out, d, train, heldOut, normSum, trainRows, !stop.isRequested());
    }

    private StoreInfo writeInfo(Path out, int d, ShardWriter train, ShardWriter heldOut, double normSum, long rows,
            boolean complete) {
        double meanNorm = normSum / Math.max(1, rows);
        StoreInfo info = new StoreInfo(StoreInfo.FORMAT_VERSION, hook.toString(), d, MiniLm.MODEL_NAME, corpusName,
                documents.size(), excludeSpecial, tokenizer.maxLength(), heldOutEvery, seed, meanNorm,
                Math.sqrt(d) / meanNorm, shardRows, train.part(), heldOut.part(), complete,
                "bottleneck " + Version.get());
        AtomicFiles.write(out.resolve(ActivationStore.INFO), o -> Json.mapper().writeValue(o, info));
        return info;
    }

    private static double norm(float[] a, int off, int d) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += (double) a[off + i] * a[off + i];
        }
        return Math.sqrt(s);
    }

    /** Settings of a collection; {@code set*} are required. */
    public static final class Builder {
        private MiniLm model;
        private MiniLmTokenizer tokenizer;
        private HookPoint hook;
        private List<String> documents;
        private String corpusName = "";
        private long tokens;
        private boolean excludeSpecial = true;
        private int heldOutEvery = 20;
        private int batchSize = 64;
        private int shardRows = 65536;
        private long seed = 42;
        private CollectListener listener = CollectListener.NONE;
        private StopSignal stop = new StopSignal();

        public Builder setModel(MiniLm model, MiniLmTokenizer tokenizer) {
            this.model = model;
            this.tokenizer = tokenizer;
            return this;
        }

        public Builder setHook(String name) {
            this.hook = HookPoint.parse(name);
            return this;
        }

        /** The corpus: documents in a fixed order (their index is stored with every row) and its name. */
        public Builder setCorpus(List<String> documents, String name) {
            this.documents = List.copyOf(documents);
            this.corpusName = name;
            return this;
        }

        /** Training tokens to collect (held-out tokens come on top, about 1/(every−1) as many). */
        public Builder setTokens(long tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Leave out [CLS] and [SEP] (default true: they are not text and their activations are outliers). */
        public Builder optExcludeSpecial(boolean v) {
            this.excludeSpecial = v;
            return this;
        }

        /** Every N-th document is held out (default 20; 0 = none). */
        public Builder optHeldOutEvery(int n) {
            this.heldOutEvery = n;
            return this;
        }

        public Builder optBatchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** Rows per shard file, the in-memory buffer that spills to disk (default 65536). */
        public Builder optShardRows(int n) {
            this.shardRows = n;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optListener(CollectListener l) {
            this.listener = l;
            return this;
        }

        public Builder optStopSignal(StopSignal s) {
            this.stop = s;
            return this;
        }

        public ActivationCollector build() {
            check(model != null && tokenizer != null, "model and tokenizer must be set (setModel)");
            check(hook != null, "hook must be set (setHook), e.g. blocks.3.hook_resid_post");
            hook.checkFor(model.config());
            check(documents != null && !documents.isEmpty(), "corpus must be set and non-empty (setCorpus)");
            check(tokens >= 1, "tokens must be ≥ 1, got " + tokens);
            check(heldOutEvery == 0 || heldOutEvery >= 2, "held-out every must be 0 (none) or ≥ 2, got " + heldOutEvery);
            check(batchSize >= 1 && batchSize <= 4096, "batch size must be in 1..4096, got " + batchSize);
            check(shardRows >= 1 && (long) shardRows * model.config().hidden() <= Integer.MAX_VALUE / 4,
                    "shard rows must be in 1.." + (Integer.MAX_VALUE / 4 / model.config().hidden()) + ", got " + shardRows);
            return new ActivationCollector(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new BottleneckException(message);
            }
        }
    }
}

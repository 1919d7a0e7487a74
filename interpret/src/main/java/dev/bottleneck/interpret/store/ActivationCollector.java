package dev.bottleneck.interpret.store;

import ai.djl.ndarray.NDArray;
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
import java.util.List;

/**
 * Streams documents through MiniLM and stores one hook's activations for every real token:
 * padding is never stored, [CLS]/[SEP] optionally not. Every {@code heldOutEvery}-th document
 * (in corpus order) goes to a held-out split that training never sees. Documents are visited in a
 * seeded random order so that a token budget samples the whole corpus (sorted by length within
 * windows of 16 batches, to cut padding: {@link CorpusBatches}). The forward pass stops at
 * the hook. {@code store.json} is rewritten after every shard, so a stopped run keeps its shards.
 * With a target hook (a later hook, e.g. the same block's {@code hook_mlp_out} for a transcoder
 * reading {@code hook_mlp_in}) both activations of every token are stored, paired row for row.
 */
public final class ActivationCollector {
    private final MiniLm model;
    private final MiniLmTokenizer tokenizer;
    private final HookPoint hook;
    private final HookPoint targetHook;
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
        this.targetHook = b.targetHook;
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
        int dt = targetHook == null ? 0 : targetHook.width(model.config());
        ShardWriter train = new ShardWriter(out, "train", d, dt, shardRows, seed);
        ShardWriter heldOut = new ShardWriter(out, "heldout", d, dt, shardRows, seed + 1);
        List<Integer> order = CorpusBatches.order(documents, seed, batchSize);
        double[] normSums = new double[2];
        long trainRows = 0;
        // the pass stops at the later hook and returns it; the earlier one is read on the way
        NDArray[] input = new NDArray[1];
        Hooks stopAt = targetHook == null ? Hooks.builder().optStopAfter(hook.toString()).build()
                : Hooks.builder().read(hook.toString(), a -> input[0] = a).optStopAfter(targetHook.toString()).build();
        try (NDManager scope = model.manager().newSubManager()) {
            for (int start = 0; start < order.size() && trainRows < tokens && !stop.isRequested(); start += batchSize) {
                List<Integer> docs = order.subList(start, Math.min(order.size(), start + batchSize));
                TokenBatch batch = CorpusBatches.encode(tokenizer, documents, docs);
                float[] acts;
                float[] targets = null;
                try (NDManager m = scope.newSubManager()) {
                    NDList in = batch.toArrays(m);
                    NDArray last = model.forward(in.get(0), in.get(1), stopAt);
                    if (targetHook == null) {
                        acts = last.toFloatArray();
                    } else {
                        acts = input[0].toFloatArray();
                        targets = last.toFloatArray();
                    }
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
                            heldOut.add(acts, row * d, targets, row * dt, doc, t, token);
                        } else {
                            normSums[0] += ActivationStore.norm(acts, row * d, d);
                            if (targets != null) {
                                normSums[1] += ActivationStore.norm(targets, row * dt, dt);
                            }
                            trainRows++;
                            if (train.add(acts, row * d, targets, row * dt, doc, t, token)) {
                                writeInfo(out, d, dt, train, heldOut, normSums, trainRows, false);
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
        return writeInfo(out, d, dt, train, heldOut, normSums, trainRows, !stop.isRequested());
    }

    private StoreInfo writeInfo(Path out, int d, int dt, ShardWriter train, ShardWriter heldOut, double[] normSums,
            long rows, boolean complete) {
        double meanNorm = normSums[0] / Math.max(1, rows);
        double targetMeanNorm = normSums[1] / Math.max(1, rows);
        StoreInfo info = new StoreInfo(StoreInfo.FORMAT_VERSION, hook.toString(), d, MiniLm.MODEL_NAME, corpusName,
                documents.size(), excludeSpecial, tokenizer.maxLength(), heldOutEvery, seed, meanNorm,
                Math.sqrt(d) / meanNorm, shardRows, train.part(), heldOut.part(), complete,
                "bottleneck " + Version.get(), targetHook == null ? null : targetHook.toString(), dt,
                dt > 0 ? targetMeanNorm : 0, dt > 0 ? Math.sqrt(dt) / targetMeanNorm : 0);
        AtomicFiles.write(out.resolve(ActivationStore.INFO), o -> Json.mapper().writeValue(o, info));
        return info;
    }

    /** Settings of a collection; {@code set*} are required. */
    public static final class Builder {
        private MiniLm model;
        private MiniLmTokenizer tokenizer;
        private HookPoint hook;
        private HookPoint targetHook;
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

        /** Also store a later hook's activations, paired with the first's (transcoder training data). */
        public Builder optTargetHook(String name) {
            this.targetHook = name == null ? null : HookPoint.parse(name);
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
            if (targetHook != null) {
                targetHook.checkFor(model.config());
                check(hook.comesBefore(targetHook), "the target hook must come after the hook, got " + hook + " → "
                        + targetHook + " (a transcoder predicts a later activation from an earlier one)");
            }
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

package dev.bottleneck.interpret.browser;

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
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.store.CollectListener;
import dev.bottleneck.interpret.store.CorpusBatches;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds what an SAE's latents respond to, without a language model to explain them: it streams a
 * corpus through MiniLM to the SAE's hook and encodes every token (the first pass, memory-flat:
 * see {@link FeatureScan}), picks the latents to show, then runs only the documents those latents'
 * chosen firings came from once more to read each context's per-token activations (the second
 * pass, a few documents per latent). Documents are visited in a seeded random order, so a token
 * budget samples the whole corpus; [CLS]/[SEP] are skipped unless kept, as in the store the SAE was
 * trained on.
 */
public final class FeatureBrowser {
    private final MiniLm model;
    private final MiniLmTokenizer tokenizer;
    private final SparseAutoencoder sae;
    private final String saeSource;
    private final List<String> documents;
    private final String corpusName;
    private final long tokens;
    private final int[] latents;
    private final int topLatents;
    private final int topContexts;
    private final int quantiles;
    private final int perQuantile;
    private final int sample;
    private final int window;
    private final boolean excludeSpecial;
    private final int batchSize;
    private final long seed;
    private final CollectListener listener;

    private FeatureBrowser(Builder b) {
        this.model = b.model;
        this.tokenizer = b.tokenizer;
        this.sae = b.sae;
        this.saeSource = b.saeSource;
        this.documents = b.documents;
        this.corpusName = b.corpusName;
        this.tokens = b.tokens;
        this.latents = b.latents;
        this.topLatents = b.topLatents;
        this.topContexts = b.topContexts;
        this.quantiles = b.quantiles;
        this.perQuantile = b.perQuantile;
        this.sample = b.sample;
        this.window = b.window;
        this.excludeSpecial = b.excludeSpecial;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The SAE's code for a batch of documents: the firings (activation &gt; 0) of its real tokens. */
    private record Encoded(TokenBatch batch, int[] rowDoc, int[] rowPos, int[] rowToken, long[] fired, float[] values) {}

    public FeatureReport scan() {
        SaeConfig c = sae.config();
        FeatureScan scan = new FeatureScan(c.dSae(), latents, topContexts, sample, model.config().vocab(), seed);
        String[] vocab = new String[model.config().vocab()];
        List<Integer> order = CorpusBatches.order(documents, seed, batchSize);
        int scanned = 0;
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            for (int start = 0; start < order.size() && scan.tokens < tokens; start += batchSize) {
                List<Integer> docs = order.subList(start, Math.min(order.size(), start + batchSize));
                Encoded e = encode(docs);
                for (int r = 0; r < e.rowDoc().length; r++) {
                    scan.token(e.rowToken()[r]);
                    if (vocab[e.rowToken()[r]] == null) {
                        vocab[e.rowToken()[r]] = e.batch().tokens().get(docs.indexOf(e.rowDoc()[r])).get(e.rowPos()[r]);
                    }
                }
                for (int i = 0; i < e.values().length; i++) {
                    int r = (int) e.fired()[2 * i];
                    scan.fire((int) e.fired()[2 * i + 1], e.values()[i], e.rowDoc()[r], e.rowPos()[r], e.rowToken()[r]);
                }
                scanned += docs.size();
                listener.onTokens(scan.tokens, tokens);
            }
            if (scan.tokens == 0) {
                throw new BottleneckException("corpus " + corpusName + " gave no tokens to scan");
            }
            int[] shown = latents != null ? latents : strongest(scan);
            Map<Integer, Map<Integer, float[]>> acts = new HashMap<>();
            Map<Integer, List<String>> words = new HashMap<>();
            List<FeatureReport.Latent> out = new ArrayList<>();
            List<Pick[]> picks = new ArrayList<>();
            for (int j : shown) {
                Pick[] p = picks(scan, j);
                picks.add(p);
                for (Pick k : p) {
                    acts.computeIfAbsent(k.doc, d -> new HashMap<>()).put(j, null);
                }
            }
            contexts(acts, words);
            for (int i = 0; i < shown.length; i++) {
                out.add(latent(scan, shown[i], picks.get(i), acts, words, vocab));
            }
            double[] density = new double[c.dSae()];
            for (int j = 0; j < density.length; j++) {
                density[j] = scan.fires[j] / (double) scan.tokens;
            }
            return new FeatureReport(c, saeSource, corpusName, scan.tokens, scanned, sample, seed, density, out,
                    Instant.now().toString(), "bottleneck " + Version.get(), null);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        }
    }

    private Encoded encode(List<Integer> docs) {
        TokenBatch batch = CorpusBatches.encode(tokenizer, documents, docs);
        int rows = 0;
        for (List<String> t : batch.tokens()) {
            rows += excludeSpecial ? Math.max(0, t.size() - 2) : t.size();
        }
        long[] index = new long[rows];
        int[] rowDoc = new int[rows];
        int[] rowPos = new int[rows];
        int[] rowToken = new int[rows];
        int r = 0;
        for (int b = 0; b < batch.size(); b++) {
            int real = batch.tokens().get(b).size();
            for (int t = excludeSpecial ? 1 : 0; t < (excludeSpecial ? real - 1 : real); t++) {
                index[r] = (long) b * batch.length() + t;
                rowDoc[r] = docs.get(b);
                rowPos[r] = t;
                rowToken[r] = (int) batch.ids()[b * batch.length() + t];
                r++;
            }
        }
        if (rows == 0) {
            return new Encoded(batch, rowDoc, rowPos, rowToken, new long[0], new float[0]);
        }
        SaeConfig c = sae.config();
        try (NDManager m = model.manager().newSubManager()) {
            NDList in = batch.toArrays(m);
            NDArray acts = model.forward(in.get(0), in.get(1), Hooks.builder().optStopAfter(c.hook()).build());
            NDArray x = acts.reshape(-1, c.dIn()).get(m.create(index)).mul((float) c.scale());
            NDArray code = sae.encode(x);
            NDArray on = code.gt(0f);
            // nonzero and booleanMask both walk row-major, so index pairs and values line up
            return new Encoded(batch, rowDoc, rowPos, rowToken, on.nonzero().toLongArray(),
                    code.booleanMask(on).toFloatArray());
        }
    }

    /** The {@code topLatents} latents with the largest total activation (how much they carry), strongest first. */
    private int[] strongest(FeatureScan scan) {
        List<Integer> all = new ArrayList<>();
        for (int j = 0; j < scan.latents; j++) {
            if (scan.fires[j] > 0) {
                all.add(j);
            }
        }
        all.sort(Comparator.comparingDouble((Integer j) -> -scan.sum[j]).thenComparingInt(j -> j));
        return all.subList(0, Math.min(topLatents, all.size())).stream().mapToInt(Integer::intValue).toArray();
    }

    /** A firing chosen for display; {@code quantile} −1 marks a top activation. */
    private record Pick(float act, int doc, int pos, int quantile) {}

    /** The top firings (largest first), then the quantile samples (weakest slice first). */
    private Pick[] picks(FeatureScan scan, int j) {
        int s = scan.slot(j);
        List<Pick> out = new ArrayList<>();
        List<Pick> top = new ArrayList<>();
        for (int i = 0; i < scan.topSize[s]; i++) {
            int k = s * scan.top + i;
            top.add(new Pick(scan.topAct[k], scan.topDoc[k], scan.topPos[k], -1));
        }
        top.sort(BY_ACTIVATION.reversed());
        out.addAll(top);
        List<Pick> sampled = sampled(scan, j);
        int n = sampled.size();
        for (int q = 0; q < quantiles; q++) {
            int lo = q * n / quantiles;
            int hi = (q + 1) * n / quantiles;
            Set<Integer> taken = new TreeSet<>();
            for (int i = 0; i < perQuantile && hi > lo; i++) {
                taken.add(lo + (int) ((i + 0.5) * (hi - lo) / perQuantile));
            }
            for (int i : taken) {
                Pick p = sampled.get(i);
                out.add(new Pick(p.act, p.doc, p.pos, q));
            }
        }
        return out.toArray(new Pick[0]);
    }

    /** Weakest first; ties by document then position, so the order is reproducible. */
    private static final Comparator<Pick> BY_ACTIVATION = Comparator.comparingDouble((Pick p) -> p.act)
            .thenComparing(Comparator.comparingInt((Pick p) -> p.doc).thenComparingInt(p -> p.pos).reversed());

    private static List<Pick> sampled(FeatureScan scan, int j) {
        int s = scan.slot(j);
        List<Pick> list = new ArrayList<>();
        for (int i = 0; i < scan.sampled(j); i++) {
            int k = s * scan.sample + i;
            list.add(new Pick(scan.sampleAct[k], scan.sampleDoc[k], scan.samplePos[k], 0));
        }
        list.sort(BY_ACTIVATION);
        return list;
    }

    /** The second pass: each latent's activation on every token of the documents its picks are in. */
    private void contexts(Map<Integer, Map<Integer, float[]>> acts, Map<Integer, List<String>> words) {
        List<Integer> docs = new ArrayList<>(new TreeSet<>(acts.keySet()));
        for (int start = 0; start < docs.size(); start += batchSize) {
            List<Integer> part = docs.subList(start, Math.min(docs.size(), start + batchSize));
            Encoded e = encode(part);
            for (int b = 0; b < part.size(); b++) {
                List<String> t = e.batch().tokens().get(b);
                words.put(part.get(b), t);
                acts.get(part.get(b)).replaceAll((j, none) -> new float[t.size()]);
            }
            for (int i = 0; i < e.values().length; i++) {
                int r = (int) e.fired()[2 * i];
                float[] a = acts.get(e.rowDoc()[r]).get((int) e.fired()[2 * i + 1]);
                if (a != null) {
                    a[e.rowPos()[r]] = e.values()[i];
                }
            }
        }
    }

    private FeatureReport.Latent latent(FeatureScan scan, int j, Pick[] picks, Map<Integer, Map<Integer, float[]>> acts,
            Map<Integer, List<String>> words, String[] vocab) {
        List<FeatureReport.Context> top = new ArrayList<>();
        Map<Integer, List<FeatureReport.Context>> byQuantile = new TreeMap<>();
        for (Pick p : picks) {
            FeatureReport.Context ctx = context(p, acts.get(p.doc).get(j), words.get(p.doc));
            if (p.quantile < 0) {
                top.add(ctx);
            } else {
                byQuantile.computeIfAbsent(p.quantile, q -> new ArrayList<>()).add(ctx);
            }
        }
        List<Pick> sampled = sampled(scan, j);
        int n = sampled.size();
        List<FeatureReport.Quantile> qs = new ArrayList<>();
        for (Map.Entry<Integer, List<FeatureReport.Context>> q : byQuantile.entrySet()) {
            int lo = q.getKey() * n / quantiles;
            int hi = (q.getKey() + 1) * n / quantiles;
            qs.add(new FeatureReport.Quantile(q.getKey() / (double) quantiles, (q.getKey() + 1) / (double) quantiles,
                    sampled.get(lo).act, sampled.get(hi - 1).act, q.getValue()));
        }
        int[] histogram = new int[20];
        float max = scan.max[j];
        Map<Integer, double[]> byToken = new LinkedHashMap<>();
        int s = scan.slot(j);
        for (int i = 0; i < n; i++) {
            int k = s * scan.sample + i;
            histogram[Math.min(19, (int) (20 * scan.sampleAct[k] / max))]++;
            double[] cs = byToken.computeIfAbsent(scan.sampleToken[k], t -> new double[2]);
            cs[0]++;
            cs[1] += scan.sampleAct[k];
        }
        long fires = scan.fires[j];
        List<FeatureReport.TokenStat> stats = new ArrayList<>();
        List<Integer> ids = new ArrayList<>(byToken.keySet());
        Collections.sort(ids);
        for (int id : ids) {
            double[] cs = byToken.get(id);
            long occ = scan.tokenCount[id];
            stats.add(new FeatureReport.TokenStat(vocab[id], (int) cs[0], cs[0] / n, cs[1] / cs[0], occ,
                    Math.min(1, cs[0] / n * fires / occ), cs[1] / n * fires / occ));
        }
        List<FeatureReport.TokenStat> frequent = new ArrayList<>(stats);
        frequent.sort(Comparator.comparingDouble((FeatureReport.TokenStat t) -> -t.share())
                .thenComparingDouble(t -> -t.meanWhenFiring()));
        List<FeatureReport.TokenStat> strong = new ArrayList<>(stats.stream().filter(t -> t.occurrences() >= 3 && t.sampled() >= 3).toList());
        strong.sort(Comparator.comparingDouble((FeatureReport.TokenStat t) -> -t.meanPerOccurrence()));
        return new FeatureReport.Latent(j, fires, fires / (double) scan.tokens, fires == 0 ? 0 : scan.sum[j] / fires,
                max, top, qs, frequent.subList(0, Math.min(10, frequent.size())),
                strong.subList(0, Math.min(10, strong.size())), histogram, null);
    }

    private FeatureReport.Context context(Pick p, float[] act, List<String> t) {
        int first = excludeSpecial ? 1 : 0;
        int end = excludeSpecial ? t.size() - 1 : t.size();
        int from = Math.max(first, p.pos - window);
        int to = Math.min(end, p.pos + window + 1);
        return new FeatureReport.Context(p.doc, p.pos, p.act, t.subList(from, to),
                java.util.Arrays.copyOfRange(act, from, to), p.pos - from);
    }

    /** Settings of a scan; {@code set*} are required. */
    public static final class Builder {
        private MiniLm model;
        private MiniLmTokenizer tokenizer;
        private SparseAutoencoder sae;
        private String saeSource = "";
        private List<String> documents;
        private String corpusName = "";
        private long tokens = 100_000;
        private int[] latents;
        private int topLatents = 100;
        private int topContexts = 20;
        private int quantiles = 4;
        private int perQuantile = 3;
        private int sample = 256;
        private int window = 10;
        private boolean excludeSpecial = true;
        private int batchSize = 64;
        private long seed = 42;
        private CollectListener listener = CollectListener.NONE;

        public Builder setModel(MiniLm model, MiniLmTokenizer tokenizer) {
            this.model = model;
            this.tokenizer = tokenizer;
            return this;
        }

        /** The SAE and where it came from (shown on the page). */
        public Builder setSae(SparseAutoencoder sae, String source) {
            this.sae = sae;
            this.saeSource = source;
            return this;
        }

        /** The documents, in a fixed order (contexts name them by index), and the corpus's name. */
        public Builder setCorpus(List<String> documents, String name) {
            this.documents = List.copyOf(documents);
            this.corpusName = name;
            return this;
        }

        /** Scan about this many tokens (whole documents; default 100,000). */
        public Builder optTokens(long n) {
            this.tokens = n;
            return this;
        }

        /** Show these latents, in this order (default: the strongest, see {@link #optTopLatents}). */
        public Builder optLatents(int... latents) {
            this.latents = latents.clone();
            return this;
        }

        /** Show the N latents with the largest total activation over the scan (default 100). */
        public Builder optTopLatents(int n) {
            this.topLatents = n;
            this.latents = null;
            return this;
        }

        /** Top-activating contexts per latent (default 20). */
        public Builder optTopContexts(int n) {
            this.topContexts = n;
            return this;
        }

        /** Equal-count slices of a latent's firings and samples shown from each (default 4 × 3). */
        public Builder optQuantiles(int slices, int samplesEach) {
            this.quantiles = slices;
            this.perQuantile = samplesEach;
            return this;
        }

        /** Firings kept per latent in the reservoir sample (default 256). */
        public Builder optSample(int n) {
            this.sample = n;
            return this;
        }

        /** Tokens shown on each side of a firing (default 10). */
        public Builder optWindow(int n) {
            this.window = n;
            return this;
        }

        /** Skip [CLS] and [SEP] (default true, as the store does unless told otherwise). */
        public Builder optExcludeSpecial(boolean v) {
            this.excludeSpecial = v;
            return this;
        }

        public Builder optBatchSize(int n) {
            this.batchSize = n;
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

        public FeatureBrowser build() {
            check(model != null && tokenizer != null, "model and tokenizer must be set (setModel)");
            check(sae != null, "SAE must be set (setSae)");
            check(documents != null && !documents.isEmpty(), "corpus must be set and non-empty (setCorpus)");
            SaeConfig c = sae.config();
            HookPoint hook = HookPoint.parse(c.hook()).checkFor(model.config());
            check(hook.width(model.config()) == c.dIn(), "the SAE reads " + c.dIn() + " values but " + hook + " has "
                    + hook.width(model.config()));
            check(tokens >= 1, "tokens must be ≥ 1, got " + tokens);
            if (latents != null) {
                check(latents.length >= 1, "latents must not be empty");
                Set<Integer> seen = new TreeSet<>();
                for (int j : latents) {
                    check(j >= 0 && j < c.dSae(), "latent " + j + " does not exist; the SAE has latents 0.." + (c.dSae() - 1));
                    check(seen.add(j), "latent " + j + " is listed twice");
                }
            }
            check(topLatents >= 1, "top latents must be ≥ 1, got " + topLatents);
            check(topContexts >= 1 && topContexts <= 1000, "top contexts must be in 1..1000, got " + topContexts);
            check(quantiles >= 0 && quantiles <= 20, "quantile slices must be in 0..20, got " + quantiles);
            check(perQuantile >= 0 && perQuantile <= 100, "samples per quantile must be in 0..100, got " + perQuantile);
            check(sample >= 1 && sample <= 100_000, "sample size must be in 1..100000, got " + sample);
            check(window >= 0 && window <= 512, "window must be in 0..512, got " + window);
            check(batchSize >= 1 && batchSize <= 4096, "batch size must be in 1..4096, got " + batchSize);
            return new FeatureBrowser(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new BottleneckException(message);
            }
        }
    }
}

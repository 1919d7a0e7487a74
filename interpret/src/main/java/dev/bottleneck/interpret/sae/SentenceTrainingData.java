package dev.bottleneck.interpret.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.HookPoint;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.TokenBatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training batches for gradient TopK, computed from sentences rather than read from a store: each
 * batch runs MiniLM once to get the hook's activations and the sentence embeddings, splices the
 * SAE's current (activation-only TopK) reconstruction into the hook, and backpropagates the
 * downstream objective, L = −Σ cos(original embedding, spliced embedding) over the batch's
 * sentences, to the spliced activation. That gradient, taken at the reconstruction (at the
 * original activation the cosine is at its maximum and the gradient is zero), says which
 * directions the reconstruction still gets wrong for the embedding; the SAE then ranks latents
 * by activation × |⟨gradient, decoder row⟩| ({@link SparseAutoencoder#gradientScore}).
 *
 * <p>Cost per batch: a forward pass, a spliced forward pass and its backward pass through the
 * blocks after the hook, three to four times a store read. Sentences are grouped into batches of
 * at least {@code batchTokens} covered tokens, and an epoch ends after {@code maxTokens}.
 */
public final class SentenceTrainingData implements SaeTrainingData {
    private final MiniLm model;
    private final MiniLmTokenizer tokenizer;
    private final List<String> sentences;
    private final int[] covered;
    private final String hook;
    private final boolean excludeSpecial;
    private final int batchTokens;
    private final long maxTokens;

    /**
     * @param sentences training sentences (held-out ones already removed)
     * @param excludeSpecial leave [CLS]/[SEP] out, as the store the SAE is evaluated on did
     * @param maxTokens covered tokens per epoch at most (≤ 0: every sentence)
     */
    public SentenceTrainingData(MiniLm model, MiniLmTokenizer tokenizer, List<String> sentences, String hook,
            boolean excludeSpecial, int batchTokens, long maxTokens) {
        HookPoint.parse(hook).checkFor(model.config());
        if (sentences.isEmpty()) {
            throw new BottleneckException("gradient TopK training needs sentences; the list is empty");
        }
        if (batchTokens < 1) {
            throw new BottleneckException("batch size must be ≥ 1 token, got " + batchTokens);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.sentences = List.copyOf(sentences);
        this.hook = hook;
        this.excludeSpecial = excludeSpecial;
        this.batchTokens = batchTokens;
        this.maxTokens = maxTokens;
        this.covered = new int[sentences.size()];
        for (int i = 0; i < sentences.size(); i += 256) {
            TokenBatch b = tokenizer.encode(this.sentences.subList(i, Math.min(sentences.size(), i + 256)));
            for (int j = 0; j < b.size(); j++) {
                covered[i + j] = TokenMask.covered(b.tokens().get(j).size(), excludeSpecial);
            }
        }
    }

    /** The sentences a store's held-out rule leaves for training: all but every {@code every}-th (0: all). */
    public static List<String> trainingSentences(List<String> documents, int every) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            if (every <= 0 || i % every != every - 1) {
                out.add(documents.get(i));
            }
        }
        return out;
    }

    /** Covered tokens in one epoch. */
    public long tokensPerEpoch() {
        long total = 0;
        for (int c : covered) {
            total += c;
        }
        return maxTokens > 0 ? Math.min(maxTokens, total) : total;
    }

    /** About: batches hold at least {@code batchTokens} tokens, so this can be one or two too many. */
    @Override
    public int batchesPerEpoch() {
        return (int) Math.max(1, (tokensPerEpoch() + batchTokens - 1) / batchTokens);
    }

    @Override
    public Epoch epoch(long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            if (covered[i] > 0) {
                order.add(i);
            }
        }
        Collections.shuffle(order, new Random(seed));
        List<List<String>> batches = new ArrayList<>();
        long budget = tokensPerEpoch();
        long taken = 0;
        List<String> current = new ArrayList<>();
        int inCurrent = 0;
        for (int i : order) {
            if (taken >= budget) {
                break;
            }
            current.add(sentences.get(i));
            inCurrent += covered[i];
            taken += covered[i];
            if (inCurrent >= batchTokens) {
                batches.add(current);
                current = new ArrayList<>();
                inCurrent = 0;
            }
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return new Epoch() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches.size();
            }

            @Override
            public SaeBatch next(NDManager m, SparseAutoencoder sae) {
                return batch(batches.get(next++), m, sae);
            }
        };
    }

    /** Activations and downstream gradients of the covered tokens of {@code texts}, scaled. */
    SaeBatch batch(List<String> texts, NDManager m, SparseAutoencoder sae) {
        SaeConfig c = sae.config();
        if (!c.hook().equals(hook)) {
            throw new BottleneckException("the sentences are run for " + hook + " but the SAE reads " + c.hook());
        }
        TokenBatch batch = tokenizer.encode(texts);
        NDList in = batch.toArrays(m);
        NDArray[] ag = activationAndGradient(model, in, TokenMask.of(batch, excludeSpecial, m), sae);
        NDArray rows = m.create(TokenMask.rows(batch, excludeSpecial));
        long d = c.dIn();
        NDArray x = ag[0].reshape(-1, d).get(new NDIndex("{}", rows)).mul((float) c.scale());
        // ∂L/∂(s·x) = (1/s)·∂L/∂x: the gradient in the SAE's scaled space
        NDArray g = ag[1].reshape(-1, d).get(new NDIndex("{}", rows)).div((float) c.scale());
        return new SaeBatch(x, x, g);
    }

    /**
     * The SAE's hook activation (batch, tokens, d; raw) and the gradient of −Σ cos(original,
     * spliced) with respect to the activation spliced in at {@code where}, taken at the SAE's
     * activation-only reconstruction (raw; zero where nothing is spliced).
     */
    static NDArray[] activationAndGradient(MiniLm model, NDList in, NDArray where, SparseAutoencoder sae) {
        String hook = sae.config().hook();
        NDArray[] activation = new NDArray[1];
        NDArray original;
        NDArray spliceAt;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            original = MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1),
                    Hooks.builder().read(hook, a -> activation[0] = a).build()), in.get(1));
            // a fresh leaf: the gradient stops here and never reaches the SAE's weights
            spliceAt = sae.reconstructRaw(activation[0]).duplicate();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        spliceAt.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
            NDArray hidden = model.forward(in.get(0), in.get(1), Hooks.builder()
                    .replace(hook, h -> NDArrays.where(where.broadcast(h.getShape()), spliceAt, h)).build());
            NDArray loss = MiniLm.sentenceEmbeddings(hidden, in.get(1)).mul(original).sum().neg();
            gc.backward(loss);
        }
        return new NDArray[] {activation[0], spliceAt.getGradient()};
    }
}

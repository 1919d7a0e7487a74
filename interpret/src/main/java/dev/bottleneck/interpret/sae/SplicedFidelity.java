package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.bottleneck.interpret.Hooks;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.TokenBatch;

import java.util.List;

/**
 * How much of MiniLM's behaviour survives when a hook's activation is replaced by the SAE's
 * reconstruction: the cosine between original and spliced sentence embeddings (mean pooling +
 * normalise), beside the same with the activation replaced by its mean (mean-ablation), and the
 * fraction recovered (cos_sae − cos_ablate) / (1 − cos_ablate). Only the tokens the SAE was
 * trained on are replaced: [CLS]/[SEP] stay original when the store left them out.
 */
public final class SplicedFidelity {
    /**
     * @param cosineSpliced mean cosine(original, with reconstruction)
     * @param cosineMeanAblation mean cosine(original, with mean activation)
     */
    public record Result(int sentences, double cosineSpliced, double cosineMeanAblation) {
        public double fractionRecovered() {
            return (cosineSpliced - cosineMeanAblation) / (1 - cosineMeanAblation);
        }
    }

    private SplicedFidelity() {}

    /** {@code mean} is the raw mean activation at the hook (d_in). */
    public static Result measure(MiniLm model, MiniLmTokenizer tokenizer, SparseAutoencoder sae, List<String> sentences,
            float[] mean, boolean keepSpecial, int batchSize) {
        String hook = sae.config().hook();
        double spliced = 0;
        double ablated = 0;
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            for (int start = 0; start < sentences.size(); start += batchSize) {
                TokenBatch batch = tokenizer.encode(sentences.subList(start, Math.min(sentences.size(), start + batchSize)));
                try (NDManager m = model.manager().newSubManager()) {
                    NDList in = batch.toArrays(m);
                    NDArray replace = replaceMask(batch, keepSpecial, m);
                    NDArray meanArray = m.create(mean);
                    NDArray original = embed(model, in, Hooks.NONE);
                    NDArray withSae = embed(model, in, Hooks.builder()
                            .replace(hook, a -> NDArrays.where(replace.broadcast(a.getShape()), sae.reconstructRaw(a), a)).build());
                    NDArray withMean = embed(model, in, Hooks.builder()
                            .replace(hook, a -> NDArrays.where(replace.broadcast(a.getShape()), meanArray.broadcast(a.getShape()), a))
                            .build());
                    spliced += original.mul(withSae).sum().getFloat();
                    ablated += original.mul(withMean).sum().getFloat();
                }
            }
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        }
        return new Result(sentences.size(), spliced / sentences.size(), ablated / sentences.size());
    }

    private static NDArray embed(MiniLm model, NDList in, Hooks hooks) {
        return MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1), hooks), in.get(1));
    }

    /** (batch, tokens, 1) true where the SAE's reconstruction goes in. */
    private static NDArray replaceMask(TokenBatch batch, boolean keepSpecial, NDManager m) {
        boolean[] r = new boolean[batch.size() * batch.length()];
        for (int b = 0; b < batch.size(); b++) {
            int real = batch.tokens().get(b).size();
            for (int t = keepSpecial ? 1 : 0; t < (keepSpecial ? real - 1 : real); t++) {
                r[b * batch.length() + t] = true;
            }
        }
        return m.create(r).reshape(batch.size(), batch.length(), 1);
    }
}

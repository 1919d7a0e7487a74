package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
 * trained on are replaced: [CLS]/[SEP] stay original when the store left them out. A transcoder
 * replaces its target hook (e.g. the MLP's output) with its prediction from its input hook (the
 * MLP's input in the same pass), and the mean-ablation replaces the target hook.
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

    /** {@code mean} is the raw mean activation at the hook the SAE's output replaces (d_out). */
    public static Result measure(MiniLm model, MiniLmTokenizer tokenizer, SparseAutoencoder sae, List<String> sentences,
            float[] mean, boolean keepSpecial, int batchSize) {
        return measure(model, tokenizer, sae, sentences, mean, keepSpecial, batchSize, false);
    }

    /**
     * The same; with {@code gradientSelection} a gradient-TopK SAE picks its latents as in
     * training, with the downstream gradient taken at its TopK reconstruction of each batch
     * (one more forward and backward pass per batch). Without it, it runs as plain TopK.
     */
    public static Result measure(MiniLm model, MiniLmTokenizer tokenizer, SparseAutoencoder sae, List<String> sentences,
            float[] mean, boolean keepSpecial, int batchSize, boolean gradientSelection) {
        SaeConfig c = sae.config();
        boolean withGradient = gradientSelection && c.architecture() == SaeArchitecture.GTOPK;
        String out = c.outputHook();
        double spliced = 0;
        double ablated = 0;
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            for (int start = 0; start < sentences.size(); start += batchSize) {
                TokenBatch batch = tokenizer.encode(sentences.subList(start, Math.min(sentences.size(), start + batchSize)));
                try (NDManager m = model.manager().newSubManager()) {
                    NDList in = batch.toArrays(m);
                    NDArray replace = TokenMask.of(batch, keepSpecial, m);
                    NDArray meanArray = m.create(mean);
                    NDArray original = embed(model, in, Hooks.NONE);
                    NDArray[] input = new NDArray[1];
                    Hooks.Builder withSaeHooks = Hooks.builder();
                    if (c.isTranscoder()) {
                        withSaeHooks.read(c.hook(), a -> input[0] = a);
                    }
                    NDArray selected = withGradient ? gradientReconstruction(model, in, replace, sae) : null;
                    withSaeHooks.replace(out, a -> NDArrays.where(replace.broadcast(a.getShape()),
                            selected != null ? selected : sae.reconstructRaw(c.isTranscoder() ? input[0] : a), a));
                    NDArray withSae = embed(model, in, withSaeHooks.build());
                    NDArray withMean = embed(model, in, Hooks.builder()
                            .replace(out, a -> NDArrays.where(replace.broadcast(a.getShape()), meanArray.broadcast(a.getShape()), a))
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

    /** Gradient TopK's reconstruction (raw, batch × tokens × d) with the gradient as training takes it. */
    private static NDArray gradientReconstruction(MiniLm model, NDList in, NDArray replace, SparseAutoencoder sae) {
        SaeConfig c = sae.config();
        // its own gradient collector turns recording on for the backward pass and off again after
        NDArray[] ag = SentenceTrainingData.activationAndGradient(model, in, replace, sae);
        NDArray a = ag[0];
        NDArray x = a.reshape(-1, c.dIn()).mul((float) c.scale());
        NDArray g = ag[1].reshape(-1, c.dIn()).div((float) c.scale());
        return sae.trainingForward(x, g).reconstruction().div((float) c.targetScale()).reshape(a.getShape());
    }

    private static NDArray embed(MiniLm model, NDList in, Hooks hooks) {
        return MiniLm.sentenceEmbeddings(model.forward(in.get(0), in.get(1), hooks), in.get(1));
    }
}

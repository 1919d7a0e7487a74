package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.sae.LinearMap;
import dev.bottleneck.interpret.sae.SaeArchitecture;
import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.interpret.sae.SaeEvaluator;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeMetrics;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.sae.SplicedFidelity;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.StoreInfo;
import dev.bottleneck.interpret.store.TextCorpus;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.plot.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate an SAE on a store's held-out tokens (FVU around the mean, L0, dead and dense latents)",
                "and its spliced fidelity on held-out sentences: the cosine between MiniLM's sentence embeddings",
                "with the hook replaced by the reconstruction, beside mean-ablation. A transcoder's FVU is of its target,",
                "its splice replaces the target hook with its prediction from the input hook, and the best linear map's",
                "FVU is printed beside it. BatchTopK runs with its learned threshold, gtopk as plain TopK (no gradient)",
                "and, for the splice, also with its latents picked using the downstream gradient, as in training."})
final class SaeEvalCommand implements Runnable {
    @Option(names = "--sae", required = true, paramLabel = "DIR") Path saeDir;
    @Option(names = "--store", required = true, paramLabel = "DIR") Path store;
    @Option(names = "--corpus", paramLabel = "FILE", description = "Corpus of the store (default: the one it names).") Path corpus;
    @Option(names = "--sentences", defaultValue = "256", description = "Held-out sentences for spliced fidelity (default ${DEFAULT-VALUE}; 0 = skip).") int sentences;
    @Option(names = "--out", paramLabel = "FILE", description = "Also write the numbers as JSON, and a density histogram beside it.") Path out;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).")
    String device;

    @Override
    public void run() {
        ActivationStore s = ActivationStore.open(store);
        StoreInfo info = s.info();
        try (NDManager manager = Engines.newManager(Engines.device(device));
                SparseAutoencoder sae = SaeFiles.load(saeDir, manager)) {
            Engines.inferenceMode();
            SaeConfig c = sae.config();
            SaeMetrics m = SaeEvaluator.evaluate(sae, s, ActivationStore.Split.HELD_OUT, 0, 4096);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("held_out_tokens", m.rows());
            result.put("fvu", m.fvu());
            result.put("l0", m.l0());
            result.put("dead_fraction", m.deadFraction());
            result.put("dense_fraction", m.denseFraction());
            result.put("architecture", c.architecture().id());
            System.out.printf("%s %s: held-out tokens %d  FVU %.4f (explained %.4f)  L0 %.2f  dead %.2f %%  dense %.2f %%%n",
                    c.architecture().id(), c.isTranscoder() ? "transcoder " + c.hook() + " → " + c.targetHook() : "SAE",
                    m.rows(), m.fvu(), m.explainedVariance(), m.l0(), 100 * m.deadFraction(), 100 * m.denseFraction());
            if (c.isTranscoder()) {
                // the dense baseline a sparse transcoder is measured against
                try (LinearMap linear = LinearMap.fit(s, 262144, manager)) {
                    double lf = linear.fvu(s, ActivationStore.Split.HELD_OUT, 0);
                    result.put("linear_map_fvu", lf);
                    System.out.printf("best linear map %s → %s: held-out FVU %.4f%n", c.hook(), c.targetHook(), lf);
                }
            }
            if (sentences > 0) {
                List<String> held = heldOutSentences(info);
                try (MiniLm model = MiniLm.load(manager); MiniLmTokenizer tok = MiniLmTokenizer.load(info.maxLength())) {
                    // what the mean-ablation puts in: the mean of the hook the SAE's output replaces
                    float[] mean = c.isTranscoder() ? s.targetMean(ActivationStore.Split.TRAIN, 262144, false)
                            : s.mean(ActivationStore.Split.TRAIN, 262144, false);
                    SplicedFidelity.Result f = SplicedFidelity.measure(model, tok, sae, held, mean, info.excludeSpecial(), 32);
                    result.put("spliced_sentences", f.sentences());
                    result.put("spliced_cosine", f.cosineSpliced());
                    result.put("mean_ablation_cosine", f.cosineMeanAblation());
                    result.put("fraction_recovered", f.fractionRecovered());
                    System.out.printf("spliced cosine %.4f  mean-ablation cosine %.4f  recovered %.4f  (%d held-out sentences)%n",
                            f.cosineSpliced(), f.cosineMeanAblation(), f.fractionRecovered(), f.sentences());
                    if (c.architecture() == SaeArchitecture.GTOPK) {
                        // as trained: latents picked with the downstream gradient at the TopK reconstruction
                        SplicedFidelity.Result g = SplicedFidelity.measure(model, tok, sae, held, mean,
                                info.excludeSpecial(), 32, true);
                        result.put("spliced_cosine_gradient_selection", g.cosineSpliced());
                        result.put("fraction_recovered_gradient_selection", g.fractionRecovered());
                        System.out.printf("with gradient selection: spliced cosine %.4f  recovered %.4f%n",
                                g.cosineSpliced(), g.fractionRecovered());
                    }
                }
            }
            if (out != null) {
                AtomicFiles.write(out, o -> Json.mapper().writeValue(o, result));
                double[] logDensity = java.util.Arrays.stream(m.density()).map(d -> Math.log10(d + 1e-7)).toArray();
                Path png = out.resolveSibling(out.getFileName().toString().replaceAll("\\.json$", "") + "-density.png");
                try {
                    Histogram.write(png, "latent density (log10 firing frequency, 1e-7 = never)", logDensity, 50,
                            java.util.OptionalDouble.empty());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("could not write " + png + ": " + e.getMessage(), e);
                }
                System.err.println("written " + out + " and " + png);
            }
        }
    }

    private List<String> heldOutSentences(StoreInfo info) {
        Path c = corpus != null ? corpus : Path.of(info.corpus());
        List<String> docs = TextCorpus.read(c);
        List<String> held = new ArrayList<>();
        int every = Math.max(2, info.heldOutEvery());
        for (int i = every - 1; i < docs.size() && held.size() < sentences; i += every) {
            held.add(docs.get(i));
        }
        return held;
    }
}

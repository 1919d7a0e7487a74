package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.browser.FeatureBrowser;
import dev.bottleneck.interpret.browser.FeaturePages;
import dev.bottleneck.interpret.browser.FeatureReport;
import dev.bottleneck.interpret.browser.LatentExplainer;
import dev.bottleneck.interpret.browser.LatentRanges;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeProvenance;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.interpret.store.StoreInfo;
import dev.bottleneck.interpret.store.TextCorpus;
import dev.bottleneck.io.AtomicFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "browse", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A feature browser: run a corpus through MiniLM and the SAE and write one static page (DIR/index.html,",
                "no external assets) with each latent's top-activating contexts, samples from its activation quantiles,",
                "density, the tokens it fires on, and the density histogram of all latents; also features.json, density.png."})
final class SaeBrowseCommand implements Runnable {
    @Option(names = "--sae", required = true, paramLabel = "DIR") Path saeDir;
    @Option(names = "--corpus", required = true, paramLabel = "FILE",
            description = "Text to scan: a WordNet data file or directory, a .jsonl file, or one document a line.")
    Path corpus;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (index.html inside).") Path out;
    @Option(names = "--overwrite", description = "Replace --out if it exists.") boolean overwrite;
    @Option(names = "--tokens", defaultValue = "100000", paramLabel = "N", description = "Tokens to scan (default ${DEFAULT-VALUE}).") long tokens;

    static final class Selection {
        @Option(names = "--latents", paramLabel = "LIST", description = "Latents to show, e.g. 0-99,120.") String latents;
        @Option(names = "--top-latents", paramLabel = "N",
                description = "Show the N latents with the largest total activation (default 100).") Integer top;
    }

    @ArgGroup(exclusive = true) Selection selection = new Selection();

    @Option(names = "--contexts", defaultValue = "20", paramLabel = "N", description = "Top-activating contexts per latent (default ${DEFAULT-VALUE}).") int contexts;
    @Option(names = "--quantiles", defaultValue = "4", paramLabel = "N", description = "Activation quantile slices sampled (default ${DEFAULT-VALUE}).") int quantiles;
    @Option(names = "--per-quantile", defaultValue = "3", paramLabel = "N", description = "Samples per slice (default ${DEFAULT-VALUE}).") int perQuantile;
    @Option(names = "--sample", defaultValue = "256", paramLabel = "N", description = "Firings kept per latent for token statistics and quantiles (default ${DEFAULT-VALUE}).") int sample;
    @Option(names = "--window", defaultValue = "10", paramLabel = "N", description = "Tokens shown each side of a firing (default ${DEFAULT-VALUE}).") int window;
    @Option(names = "--keep-special", paramLabel = "BOOL", arity = "0..1", description = "Also scan [CLS]/[SEP] (default: as the SAE's store did).") Boolean keepSpecial;
    @Option(names = "--max-length", paramLabel = "N", description = "Tokens per document at most (default: as the SAE's store, else 128).") Integer maxLength;
    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Documents per forward pass (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--seed", defaultValue = "42", description = "Seeds the document order and the samples.") long seed;
    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).") String device;
    @Option(names = "--explain-endpoint", paramLabel = "URL", description = "Explain each latent shown with a language model"
            + " behind this OpenAI-compatible address, e.g. http://localhost:8000/v1 (off by default).") String explainEndpoint;
    @Option(names = "--explain-model", paramLabel = "NAME", description = "The model the endpoint serves (with --explain-endpoint).") String explainModel;
    @Option(names = "--explain-key-env", defaultValue = "OPENAI_API_KEY", paramLabel = "VAR",
            description = "Environment variable holding the API key, sent as a bearer token when set (default ${DEFAULT-VALUE}).") String explainKeyEnv;
    @Option(names = "--explain-contexts", defaultValue = "10", paramLabel = "N", description = "Top contexts shown to the explainer per latent (default ${DEFAULT-VALUE}).") int explainContexts;

    @Override
    public void run() {
        int[] chosen = selection.latents != null ? LatentRanges.parse(selection.latents) : null; // a typo fails before the model loads
        AtomicFiles.refuseExisting(out, overwrite);
        LatentExplainer explainer = explainer(); // a bad address fails before the scan, not after
        StoreInfo store = storeOf(saeDir);
        boolean special = keepSpecial != null ? keepSpecial : store != null && !store.excludeSpecial();
        int length = maxLength != null ? maxLength : store != null && store.maxLength() > 0 ? store.maxLength() : 128;
        List<String> docs = TextCorpus.read(corpus);
        try (NDManager manager = Engines.newManager(Engines.device(device));
                SparseAutoencoder sae = SaeFiles.load(saeDir, manager);
                MiniLm model = MiniLm.load(manager);
                MiniLmTokenizer tokenizer = MiniLmTokenizer.load(length)) {
            Engines.inferenceMode();
            FeatureBrowser.Builder b = FeatureBrowser.builder()
                    .setModel(model, tokenizer)
                    .setSae(sae, saeDir.toString())
                    .setCorpus(docs, corpus.toString())
                    .optTokens(tokens)
                    .optTopContexts(contexts)
                    .optQuantiles(quantiles, perQuantile)
                    .optSample(sample)
                    .optWindow(window)
                    .optExcludeSpecial(!special)
                    .optBatchSize(batch)
                    .optSeed(seed);
            if (chosen != null) {
                b.optLatents(chosen);
            } else {
                b.optTopLatents(selection.top != null ? selection.top : 100);
            }
            long started = System.nanoTime();
            long[] next = {tokens / 10};
            b.optListener((done, total) -> {
                if (done >= next[0] && done < total) {
                    System.err.printf("%d/%d tokens (%.0f s)%n", done, total, (System.nanoTime() - started) / 1e9);
                    while (next[0] <= done) {
                        next[0] += Math.max(1, total / 10);
                    }
                }
            });
            System.err.printf("scanning %s with %s (%d documents), %d tokens%s%n", corpus, saeDir, docs.size(), tokens,
                    special ? ", [CLS]/[SEP] included" : "");
            FeatureReport report = b.build().scan();
            if (explainer != null) {
                report = explain(explainer, report);
            }
            FeaturePages.write(report, out, overwrite);
            System.err.printf("%s: %d latents shown, %d tokens in %d documents scanned in %.1f s%n",
                    out.resolve(FeaturePages.INDEX), report.latents().size(), report.tokens(), report.documents(),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private LatentExplainer explainer() {
        if (explainEndpoint == null) {
            if (explainModel != null) {
                throw new BottleneckException("--explain-model needs --explain-endpoint (the address that serves it)");
            }
            return null;
        }
        return LatentExplainer.builder().setEndpoint(explainEndpoint).setModel(explainModel)
                .optApiKey(System.getenv(explainKeyEnv)).optContexts(explainContexts).build();
    }

    /** The report explained; when the explainer fails, the pages are still written, without explanations. */
    private FeatureReport explain(LatentExplainer explainer, FeatureReport report) {
        System.err.printf("explaining %d latents with %s%n", report.latents().size(), explainer.describe());
        int total = report.latents().size();
        try {
            return explainer.explainAll(report, done -> {
                if (done % 10 == 0 || done == total) {
                    System.err.printf("explained %d/%d%n", done, total);
                }
            });
        } catch (BottleneckException e) {
            FeaturePages.write(report, out, overwrite);
            throw new BottleneckException(e.getMessage() + "; " + out.resolve(FeaturePages.INDEX)
                    + " was written without explanations", e);
        }
    }

    /** The store the SAE was trained on, when its provenance names one that is still there. */
    private static StoreInfo storeOf(Path saeDir) {
        SaeProvenance p = SaeFiles.readConfig(saeDir).provenance();
        if (p == null || p.store() == null || !Files.isRegularFile(Path.of(p.store()).resolve(ActivationStore.INFO))) {
            return null;
        }
        return ActivationStore.open(Path.of(p.store())).info();
    }
}

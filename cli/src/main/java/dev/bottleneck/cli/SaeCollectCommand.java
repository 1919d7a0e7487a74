package dev.bottleneck.cli;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.MiniLm;
import dev.bottleneck.interpret.MiniLmTokenizer;
import dev.bottleneck.interpret.store.ActivationCollector;
import dev.bottleneck.interpret.store.StoreInfo;
import dev.bottleneck.interpret.store.TextCorpus;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.train.StopSignal;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "collect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a text corpus through MiniLM and store one hook's activations (an activation store).",
                "Corpus: a WordNet data file or directory (/usr/share/wordnet), a .jsonl file, or text (one document a line).",
                "Every --held-out-every-th document goes to a held-out split. Ctrl-C keeps the shards written so far.",
                "With --target-hook the store pairs two hooks per token, for transcoders (`sae train --transcoder`)."})
final class SaeCollectCommand implements Runnable {
    @Option(names = "--hook", required = true, paramLabel = "NAME", description = "e.g. blocks.3.hook_resid_post")
    String hook;

    @Option(names = "--target-hook", paramLabel = "NAME", description = {"Also store a later hook's activation of every token, paired "
            + "with --hook's (transcoder training data), e.g. --hook blocks.3.hook_mlp_in --target-hook blocks.3.hook_mlp_out."})
    String targetHook;

    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "Text to run through the model.")
    Path corpus;

    @Option(names = "--tokens", required = true, paramLabel = "N", description = "Training tokens to collect.")
    long tokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Store directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Option(names = "--keep-special", description = "Also store [CLS] and [SEP] activations.")
    boolean keepSpecial;

    @Option(names = "--held-out-every", defaultValue = "20", paramLabel = "N", description = "Hold out every N-th document (default ${DEFAULT-VALUE}; 0 = none).")
    int heldOutEvery;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Sentences per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "N", description = "Tokens per sentence at most (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--shard-rows", defaultValue = "65536", paramLabel = "N", description = "Rows buffered in memory before a shard spills to disk.")
    int shardRows;

    @Option(names = "--seed", defaultValue = "42", description = "Seeds document order and shuffling.")
    long seed;

    @Mixin DeviceOption device;

    @Override
    public void run() {
        dev.bottleneck.interpret.HookPoint.parse(hook); // a typo fails before the model loads
        if (targetHook != null) {
            dev.bottleneck.interpret.HookPoint.parse(targetHook);
        }
        AtomicFiles.refuseExisting(out, overwrite);
        if (overwrite) {
            AtomicFiles.deleteRecursively(out);
        }
        List<String> docs = TextCorpus.read(corpus);
        StopSignal stop = new StopSignal(true).installShutdownHook(60);
        try (NDManager manager = Engines.newManager(device.get());
                MiniLm model = MiniLm.load(manager);
                MiniLmTokenizer tokenizer = MiniLmTokenizer.load(maxLength)) {
            Engines.inferenceMode();
            System.err.printf("collecting %s%s from %s (%d documents), %d tokens%n", hook,
                    targetHook == null ? "" : " paired with " + targetHook, corpus, docs.size(), tokens);
            long started = System.nanoTime();
            StoreInfo info;
            boolean terminal = System.console() != null;
            long[] nextLine = {tokens / 10};
            try (ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("tokens").setInitialMax(tokens)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build() : null) {
                info = ActivationCollector.builder()
                        .setModel(model, tokenizer)
                        .setHook(hook)
                        .optTargetHook(targetHook)
                        .setCorpus(docs, corpus.toString())
                        .setTokens(tokens)
                        .optExcludeSpecial(!keepSpecial)
                        .optHeldOutEvery(heldOutEvery)
                        .optBatchSize(batch)
                        .optShardRows(shardRows)
                        .optSeed(seed)
                        .optStopSignal(stop)
                        .optListener((done, total) -> {
                            if (bar != null) {
                                bar.stepTo(done);
                            } else if (done >= nextLine[0]) {
                                // a log line every 10 % when the output is not a terminal (CI, pipes)
                                System.err.printf("%d/%d tokens (%.0f s)%n", done, total, (System.nanoTime() - started) / 1e9);
                                nextLine[0] += Math.max(1, total / 10);
                            }
                        })
                        .build()
                        .collect(out);
            }
            double s = (System.nanoTime() - started) / 1e9;
            System.err.printf("%s: %d training and %d held-out tokens in %.1f s (%.0f tokens/s); mean norm %.3f, scale %.4f%s%n",
                    out, info.train().rows(), info.heldOut().rows(), s, (info.train().rows() + info.heldOut().rows()) / s,
                    info.meanNorm(), info.scale(), info.complete() ? "" : " (stopped early; the shards written are kept)");
        } finally {
            stop.markFinished();
        }
    }
}

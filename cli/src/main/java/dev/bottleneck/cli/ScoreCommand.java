package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Write the reconstruction error of every row (column 'score'; higher = more unusual), plus the label column if any.")
final class ScoreCommand implements Runnable {
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions dataOptions;

    @Option(names = "--out", paramLabel = "CSV", description = "Output CSV (default: standard output).")
    Path out;

    @Override
    public void run() {
        try (Autoencoder m = modelOptions.load()) {
            Table t = dataOptions.loadFor(m.config());
            CsvOutput.writeScores(out, m.score(t), t, null, null);
        }
    }
}

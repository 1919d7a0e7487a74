package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Write the code (bottleneck) of every row: columns z0..z{k-1}, plus the label column if any.")
final class EncodeCommand implements Runnable {
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions dataOptions;

    @Option(names = "--out", paramLabel = "CSV", description = "Output CSV (default: standard output).")
    Path out;

    @Override
    public void run() {
        try (Autoencoder m = modelOptions.load()) {
            Table t = dataOptions.loadFor(m.config());
            float[][] codes = m.encode(t);
            List<String> header = new ArrayList<>();
            for (int i = 0; i < m.latent(); i++) {
                header.add("z" + i);
            }
            CsvOutput.write(out, header, codes, t);
        }
    }
}

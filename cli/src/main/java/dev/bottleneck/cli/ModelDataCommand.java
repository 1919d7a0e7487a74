package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** A command that loads a model, reads data for it, and writes one CSV row per input row. */
abstract class ModelDataCommand implements Runnable {
    @Mixin ModelOptions modelOptions;
    @Mixin DataOptions dataOptions;

    @Option(names = "--out", paramLabel = "CSV", description = "Output CSV (default: standard output).")
    Path out;

    @Override
    public final void run() {
        try (Autoencoder m = modelOptions.load()) {
            write(m, dataOptions.loadFor(m.config()));
        }
    }

    /** Computes this command's result for every row of {@code data} and writes it to {@link #out}. */
    abstract void write(Autoencoder model, Table data);
}

package dev.bottleneck.cli;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every command that reads data shares. */
final class DataOptions {
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "CSV (header required, .gz ok) or IDX images (Fashion-MNIST format, .gz ok).")
    Path data;

    @Option(names = "--label", paramLabel = "COLUMN",
            description = "Column kept out of the features and carried to outputs (never used to train).")
    String label;

    @Option(names = "--impute", paramLabel = "POLICY", defaultValue = "reject",
            description = "What to do with NaN, infinite or blank cells: reject (default) or mean (fill with the training mean).")
    String impute;

    Table load() {
        return DataSources.load(data, label, ImputePolicy.parse(impute));
    }

    /** Loads data for a trained model: its label column is dropped automatically when present. */
    Table loadFor(dev.bottleneck.model.ModelConfig config) {
        String lab = label;
        if (lab == null && config.labelColumn() != null && !DataSources.isIdxImages(data)) {
            lab = CsvHeader.has(data, config.labelColumn()) ? config.labelColumn() : null;
        }
        return DataSources.load(data, lab, ImputePolicy.parse(impute));
    }
}

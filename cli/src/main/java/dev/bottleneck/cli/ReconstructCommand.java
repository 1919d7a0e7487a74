package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Command;

@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Write the reconstruction of every row in the data's own units (same columns), plus the label column if any.")
final class ReconstructCommand extends ModelDataCommand {
    @Override
    void write(Autoencoder m, Table t) {
        CsvOutput.write(out, t.columns(), m.reconstruct(t), t);
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Write the code (bottleneck) of every row: columns z0..z{k-1}, plus the label column if any.")
final class EncodeCommand extends ModelDataCommand {
    @Override
    void write(Autoencoder m, Table t) {
        List<String> header = new ArrayList<>();
        for (int i = 0; i < m.latent(); i++) {
            header.add("z" + i);
        }
        CsvOutput.write(out, header, m.encode(t), t);
    }
}

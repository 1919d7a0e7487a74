package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Command;

@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Write the reconstruction error of every row (column 'score'; higher = more unusual), plus the label column if any.")
final class ScoreCommand extends ModelDataCommand {
    @Override
    void write(Autoencoder m, Table t) {
        CsvOutput.writeScores(out, m.score(t), t, null, null);
    }
}

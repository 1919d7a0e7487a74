package dev.bottleneck.cli;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.prototype.Explanation;
import dev.bottleneck.prototype.PrototypeFiles;
import dev.bottleneck.prototype.PrototypeNetwork;
import dev.bottleneck.prototype.PrototypePlots;
import dev.bottleneck.BottleneckException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain a prototype network: write prototypes.png (every prototype decoded), weights.png (the",
                "classifier's weights) and, for each chosen row of --data, explain-ROW.png: the input, its reconstruction,",
                "its distance to each prototype and the class scores."})
final class PrototypesExplainCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory written by `prototypes train`.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Rows to explain (IDX images, or CSV with the training columns).")
    Path data;

    @Option(names = "--label", paramLabel = "COLUMN", description = "Label column of a CSV --data (kept out of the features).")
    String label;

    @Option(names = "--rows", split = ",", defaultValue = "0", paramLabel = "I,J,...",
            description = "0-based rows of --data to explain (default 0).")
    List<Integer> rows;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the PNG files (created if missing).")
    Path out;

    @Mixin DeviceOption device;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrototypeNetwork net;
        try {
            net = PrototypeFiles.load(model, device.get());
        } catch (BottleneckException e) {
            // no model, or a model of another kind, is a usage error: the one sentence and exit 2
            spec.commandLine().getErr().println("bottleneck: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        try (net) {
            PrototypePlots.writePrototypes(out.resolve("prototypes.png"), net);
            PrototypePlots.writeWeights(out.resolve("weights.png"), net);
            System.err.println("wrote " + out.resolve("prototypes.png") + " and " + out.resolve("weights.png"));
            if (data == null) {
                return 0;
            }
            String lab = label;
            if (lab == null && net.config().labelColumn() != null && !DataSources.isIdxImages(data)
                    && CsvHeader.has(data, net.config().labelColumn())) {
                lab = net.config().labelColumn(); // the training label column is not a feature
            }
            Table table = DataSources.load(data, lab, ImputePolicy.REJECT);
            for (int r : rows) {
                if (r < 0 || r >= table.rows()) {
                    throw new BottleneckException("row " + r + " is outside " + data + ", which has rows 0.." + (table.rows() - 1));
                }
                Explanation e = net.explain(table.row(r));
                Path png = out.resolve("explain-" + r + ".png");
                PrototypePlots.writeExplanation(png, e);
                String truth = table.hasLabels() ? ", true label " + table.label(r) : "";
                System.out.printf("row %d: predicted %s%s, nearest prototype P%d -> %s%n", r, e.prediction().label(), truth,
                        e.prediction().nearestPrototype() + 1, png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.io.Json;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.model.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a model directory: family, architecture, training, provenance, tensors.")
final class InfoCommand implements Runnable {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory.")
    Path model;

    @Option(names = "--json", description = "Print config.json as it is.")
    boolean json;

    @Override
    public void run() {
        ModelConfig c = ModelFiles.readConfig(model);
        try {
            if (json) {
                System.out.println(Json.mapper().writeValueAsString(c));
                return;
            }
            System.out.println("model        " + model);
            System.out.println("family       " + c.family() + " (format " + c.formatVersion() + ", written by bottleneck " + c.libraryVersion() + ")");
            System.out.println("input        " + c.architecture().exampleShape() + "  scaler " + c.scalerKind()
                    + (c.labelColumn() != null ? "  label column " + c.labelColumn() : ""));
            System.out.println("latent       " + c.architecture().latent());
            System.out.println("architecture " + Json.compact().writeValueAsString(c.architecture()));
            System.out.println("bottleneck   " + Json.compact().writeValueAsString(c.bottleneck()));
            System.out.println("corruption   " + Json.compact().writeValueAsString(c.corruption()) + "  objective " + c.objective().id());
            if (c.training() != null) {
                System.out.println("training     " + Json.compact().writeValueAsString(c.training()));
            }
            Provenance p = c.provenance();
            if (p != null) {
                System.out.printf("trained on   %s (%d rows + %d validation, sha256 %s)%n", p.dataFile(), p.rows(), p.validationRows(),
                        p.dataSha256() == null ? "-" : p.dataSha256().substring(0, 16) + "…");
                System.out.printf("run          %d epochs in %.1f s, seed %d, best validation loss %s, on %s, %s%s%n", p.epochs(),
                        p.trainSeconds(), p.seed(), p.bestValidationLoss() == null ? "-" : String.format("%.6g", p.bestValidationLoss()),
                        p.device(), p.engine(), p.resumed() ? " (resumed)" : "");
                System.out.println("created      " + p.created() + " (Java " + p.java() + ")");
            }
            if (c.tensors() != null) {
                long total = 0;
                System.out.println("tensors");
                for (Map.Entry<String, List<Long>> e : c.tensors().entrySet()) {
                    long n = e.getValue().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
                    total += n;
                    System.out.println("  " + e.getKey() + " " + e.getValue());
                }
                System.out.println("parameters   " + total);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package dev.bottleneck.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeLensExport;
import dev.bottleneck.interpret.sae.SaeLensImport;
import dev.bottleneck.interpret.sae.SaeProvenance;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Read an SAE in SAELens' layout (cfg.json + sae_weights.safetensors) into Bottleneck's format, for"
                + " `sae eval`, `sae browse` and the rest: standard, topk, jumprelu and their transcoder forms, with"
                + " normalize_activations none. One that `sae export` wrote comes back as it was trained.")
final class SaeImportCommand implements Runnable {
    @Option(names = "--from", required = true, paramLabel = "DIR", description = "SAELens directory.") Path from;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "SAE directory to write.") Path out;
    @Option(names = "--overwrite", description = "Replace --out if it exists.") boolean overwrite;

    @Override
    public void run() {
        AtomicFiles.refuseExisting(out, overwrite);
        try (NDManager manager = Engines.newManager(Device.cpu()); SparseAutoencoder sae = SaeLensImport.read(from, manager)) {
            // what the SAE was trained on is all SAELens records of its provenance
            SaeProvenance p = new SaeProvenance(from.toAbsolutePath().toString(), datasetPath(), 0, 0, 0, 0, 0, 0, false,
                    Instant.now().toString(), Version.get(), Engines.describe(), System.getProperty("java.version"));
            SaeFiles.save(sae, null, p, out, overwrite);
            System.err.printf("imported %s %s (%d → %d latents, %s) to %s%n", sae.config().architecture().id(),
                    sae.config().isTranscoder() ? "transcoder" : "SAE", sae.config().dIn(), sae.config().dSae(),
                    sae.config().hook(), out);
        }
    }

    private String datasetPath() {
        Path cfg = from.resolve(SaeLensExport.CONFIG);
        try {
            return Json.mapper().readTree(cfg.toFile()).path("dataset_path").asText("");
        } catch (IOException e) {
            throw new BottleneckException("could not read " + cfg + ": " + e.getMessage(), e);
        }
    }
}

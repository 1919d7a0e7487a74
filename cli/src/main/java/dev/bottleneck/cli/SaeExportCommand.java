package dev.bottleneck.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.sae.SaeFiles;
import dev.bottleneck.interpret.sae.SaeLensExport;
import dev.bottleneck.interpret.sae.SparseAutoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write an SAE in SAELens' layout (sae_weights.safetensors + cfg.json) reading raw activations.",
                "Python: SAE.load_from_disk(DIR) in SAELens, or safetensors.torch.load_file(DIR/sae_weights.safetensors)."})
final class SaeExportCommand implements Runnable {
    @Option(names = "--sae", required = true, paramLabel = "DIR") Path saeDir;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--overwrite", description = "Replace --out if it exists.") boolean overwrite;

    @Override
    public void run() {
        try (NDManager manager = Engines.newManager(Device.cpu()); SparseAutoencoder sae = SaeFiles.load(saeDir, manager)) {
            String dataset = SaeFiles.readConfig(saeDir).provenance() == null ? "" : SaeFiles.readConfig(saeDir).provenance().corpus();
            SaeLensExport.write(sae, dataset, out, overwrite);
            System.err.println("SAELens layout written to " + out);
        }
    }
}

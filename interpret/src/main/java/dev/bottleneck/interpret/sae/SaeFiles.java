package dev.bottleneck.interpret.sae;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.train.TrainingConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Our SAE directory: {@code config.json} ({@code sae} settings, {@code training}, {@code
 * provenance}, the weights' SHA-256) and {@code model.safetensors} with {@code W_enc} (d_in,
 * d_sae), {@code b_enc}, {@code W_dec} (d_sae, d_out), {@code b_dec} (d_out), and JumpReLU's
 * {@code log_threshold} or BatchTopK's {@code threshold} (d_sae), in the store's scaled space
 * (multiply raw activations by {@code sae.scale} before encoding; a transcoder's output is in its
 * target's scaled space, {@code sae.target_scale}). For SAELens' layout on raw activations see
 * {@link SaeLensExport}.
 */
public final class SaeFiles {
    public static final int FORMAT_VERSION = 1;
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    /** config.json. */
    public record SaeModelFile(int formatVersion, String family, SaeConfig sae, TrainingConfig training,
            SaeProvenance provenance, String weightsSha256) {}

    private SaeFiles() {}

    public static void save(SparseAutoencoder sae, TrainingConfig training, SaeProvenance provenance, Path dir,
            boolean overwrite) {
        byte[] weights = ModelFiles.weightsBytes(sae.parameters());
        SaeModelFile file = new SaeModelFile(FORMAT_VERSION, "sparse-autoencoder", sae.config(), training, provenance,
                Hashes.sha256(weights));
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            Files.write(tmp.resolve(WEIGHTS), weights);
            Json.mapper().writeValue(tmp.resolve(CONFIG).toFile(), file);
        });
    }

    public static SaeModelFile readConfig(Path dir) {
        Path cfg = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfg)) {
            throw new BottleneckException(dir + " is not an SAE directory (no " + CONFIG + "); train one with "
                    + "`bottleneck sae train`");
        }
        try {
            JsonNode node = Json.mapper().readTree(cfg.toFile());
            if (!"sparse-autoencoder".equals(node.path("family").asText())) {
                throw new BottleneckException(cfg + " describes a \"" + node.path("family").asText()
                        + "\" model, expected a sparse-autoencoder");
            }
            return Json.mapper().treeToValue(node, SaeModelFile.class);
        } catch (IOException e) {
            throw new BottleneckException(cfg + " is not a valid SAE config: " + e.getMessage(), e);
        }
    }

    public static SparseAutoencoder load(Path dir, NDManager parent) {
        SaeModelFile file = readConfig(dir);
        Path w = dir.resolve(WEIGHTS);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(w);
        } catch (IOException e) {
            throw new BottleneckException("could not read " + w + ": " + e.getMessage(), e);
        }
        if (file.weightsSha256() != null && !file.weightsSha256().equals(Hashes.sha256(bytes))) {
            throw new BottleneckException(w + " does not match the checksum in " + CONFIG + "; the file is damaged");
        }
        SparseAutoencoder sae = SparseAutoencoder.empty(file.sae(), parent);
        NoGrad.run(() -> ModelFiles.loadWeights(sae.parameters(), bytes, w.toString()));
        return sae;
    }
}

package dev.bottleneck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole SAE workflow on a few thousand tokens of paper abstracts: collect, train, eval, export. */
class SaeCliTest {
    static final Path PAPERS = Cli.DATASETS.resolve("corpora/autoencoder-papers.jsonl");

    @Test
    void collectTrainEvalExport(@TempDir Path tmp) {
        Path store = tmp.resolve("store");
        Path sae = tmp.resolve("sae");
        Cli.ok("sae", "collect", "--hook", "blocks.0.hook_resid_post", "--corpus", PAPERS, "--tokens", "2000",
                "--held-out-every", "5", "--out", store);
        JsonNode info = Cli.json(store.resolve("store.json"));
        assertEquals(2000, info.get("train").get("rows").asLong());
        assertTrue(info.get("held_out").get("rows").asLong() > 0);

        Cli.Result train = Cli.ok("sae", "train", "--store", store, "--out", sae, "--expansion", "2", "--k", "8",
                "--epochs", "2", "--batch", "256", "--warmup", "4");
        assertTrue(train.out().contains("FVU"), train.out());
        assertTrue(Files.isRegularFile(sae.resolve("model.safetensors")));

        Path eval = tmp.resolve("eval.json");
        Cli.Result r = Cli.ok("sae", "eval", "--sae", sae, "--store", store, "--sentences", "8", "--out", eval);
        JsonNode e = Cli.json(eval);
        assertTrue(e.get("l0").asDouble() <= 8 + 1e-9);
        double spliced = e.get("spliced_cosine").asDouble();
        double ablated = e.get("mean_ablation_cosine").asDouble();
        assertTrue(spliced > ablated, "splicing the reconstruction (" + spliced + ") must beat mean-ablation (" + ablated + ")");
        assertTrue(Files.isRegularFile(tmp.resolve("eval-density.png")), r.err());

        Path lens = tmp.resolve("lens");
        Cli.ok("sae", "export", "--sae", sae, "--out", lens);
        JsonNode cfg = Cli.json(lens.resolve("cfg.json"));
        assertEquals(384, cfg.get("d_in").asInt());
        assertEquals(768, cfg.get("d_sae").asInt());
        assertEquals("blocks.0.hook_resid_post", cfg.get("hook_name").asText());
        assertTrue(Files.isRegularFile(lens.resolve("sae_weights.safetensors")));
    }

    @Test
    void badHookAndMissingStoreSayWhatIsWrong(@TempDir Path tmp) {
        Cli.assertError(Cli.run("sae", "collect", "--hook", "blocks.3.resid_post", "--corpus", PAPERS, "--tokens", "10",
                "--out", tmp.resolve("s")), 1, "blocks.N.hook_X");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae")), 1,
                "not an activation store");
    }
}

package dev.bottleneck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

        Cli.Result train = Cli.ok("sae", "train", "--store", store, "--out", sae, "--architecture", "topk", "--expansion",
                "2", "--k", "8", "--epochs", "2", "--batch", "256", "--warmup", "4", "--schedule", "cosine", "--min-lr", "1e-4");
        assertTrue(train.out().contains("FVU"), train.out());
        JsonNode trained = Cli.json(sae.resolve("config.json")).get("training");
        assertEquals("cosine", trained.get("schedule").asText());
        assertEquals(1e-4, trained.get("min_learning_rate").asDouble(), 1e-12);
        assertTrue(Files.isRegularFile(sae.resolve("model.safetensors")));
        assertFalse(Files.exists(tmp.resolve("sae.ckpt")), "a finished run removes its checkpoint");

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

        // and back: the imported SAE scores the held-out tokens as the original does
        Path back = tmp.resolve("back");
        Cli.ok("sae", "import", "--from", lens, "--out", back);
        assertEquals("TOPK", Cli.json(back.resolve("config.json")).get("sae").get("architecture").asText());
        Path backEval = tmp.resolve("back.json");
        Cli.ok("sae", "eval", "--sae", back, "--store", store, "--sentences", "0", "--out", backEval);
        assertEquals(e.get("fvu").asDouble(), Cli.json(backEval).get("fvu").asDouble(), 1e-5);
        Cli.assertError(Cli.run("sae", "import", "--from", store, "--out", tmp.resolve("x")), 1, "SAELens' layout");
    }

    @Test
    void transcoderOnAPairedStoreAndTheOtherArchitectures(@TempDir Path tmp) {
        Path paired = tmp.resolve("paired");
        Cli.ok("sae", "collect", "--hook", "blocks.0.hook_mlp_in", "--target-hook", "blocks.0.hook_mlp_out", "--corpus",
                PAPERS, "--tokens", "1500", "--held-out-every", "5", "--out", paired);
        assertEquals("blocks.0.hook_mlp_out", Cli.json(paired.resolve("store.json")).get("target_hook").asText());

        Path tc = tmp.resolve("tc");
        Cli.Result train = Cli.ok("sae", "train", "--store", paired, "--out", tc, "--transcoder", "--architecture",
                "batchtopk", "--expansion", "2", "--k", "8", "--epochs", "2", "--batch", "256", "--warmup", "4");
        assertTrue(train.out().contains("best linear map"), train.out());
        Path eval = tmp.resolve("tc.json");
        Cli.ok("sae", "eval", "--sae", tc, "--store", paired, "--sentences", "4", "--out", eval);
        JsonNode e = Cli.json(eval);
        assertEquals("batchtopk", e.get("architecture").asText());
        assertTrue(e.get("linear_map_fvu").asDouble() < 1, e.toString());
        assertTrue(e.has("spliced_cosine"), e.toString());
        Cli.ok("sae", "export", "--sae", tc, "--out", tmp.resolve("tc-lens"));
        JsonNode cfg = Cli.json(tmp.resolve("tc-lens/cfg.json"));
        assertEquals("jumprelu_transcoder", cfg.get("architecture").asText());
        assertEquals("blocks.0.hook_mlp_out", cfg.get("hook_name_out").asText());

        // the input hook alone is a plain store for the other architectures
        for (String a : new String[] {"jumprelu", "gtopk"}) {
            Path sae = tmp.resolve(a);
            Cli.ok("sae", "train", "--store", paired, "--out", sae, "--architecture", a, "--expansion", "2", "--k", "8",
                    "--epochs", "1", "--batch", "256", "--warmup", "2", "--max-rows", "600");
            JsonNode r = Cli.json(sae.resolve("config.json"));
            assertEquals(a.toUpperCase(java.util.Locale.ROOT), r.get("sae").get("architecture").asText());
            Cli.ok("sae", "eval", "--sae", sae, "--store", paired, "--sentences", "4", "--out", tmp.resolve(a + ".json"));
        }
        assertTrue(Cli.json(tmp.resolve("gtopk.json")).has("spliced_cosine_gradient_selection"));

        Path plain = tmp.resolve("plain");
        Cli.ok("sae", "collect", "--hook", "blocks.0.hook_resid_post", "--corpus", PAPERS, "--tokens", "200", "--out", plain);
        Cli.assertError(Cli.run("sae", "train", "--store", plain, "--out", tmp.resolve("x"), "--transcoder"), 1,
                "--target-hook");
        Cli.assertError(Cli.run("sae", "eval", "--sae", tc, "--store", plain, "--sentences", "0"), 1,
                "blocks.0.hook_mlp_in");
    }

    @Test
    void badHookAndMissingStoreSayWhatIsWrong(@TempDir Path tmp) {
        Cli.assertError(Cli.run("sae", "collect", "--hook", "blocks.3.resid_post", "--corpus", PAPERS, "--tokens", "10",
                "--out", tmp.resolve("s")), 1, "blocks.N.hook_X");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae")), 1,
                "not an activation store");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae"),
                "--schedule", "linear"), 1, "schedule");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae"),
                "--schedule", "cosine", "--min-lr", "0.1"), 1, "minimum learning rate");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae"),
                "--resume"), 1, "no checkpoint to resume");
        Cli.assertError(Cli.run("sae", "train", "--store", tmp.resolve("nothing"), "--out", tmp.resolve("sae"),
                "--architecture", "gtopk", "--resume"), 1, "gtopk runs cannot be resumed");
    }
}

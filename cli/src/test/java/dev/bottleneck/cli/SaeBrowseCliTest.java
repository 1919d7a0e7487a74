package dev.bottleneck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `sae darkmatter` and `sae browse` on a tiny SAE trained on a few thousand tokens of paper abstracts. */
class SaeBrowseCliTest {
    static final Path PAPERS = Cli.DATASETS.resolve("corpora/autoencoder-papers.jsonl");

    @TempDir static Path tmp;
    static Path store;
    static Path sae;

    @BeforeAll
    static void train() {
        store = tmp.resolve("store");
        sae = tmp.resolve("sae");
        Cli.ok("sae", "collect", "--hook", "blocks.0.hook_resid_post", "--corpus", PAPERS, "--tokens", "2000",
                "--held-out-every", "5", "--out", store);
        Cli.ok("sae", "train", "--store", store, "--out", sae, "--expansion", "2", "--k", "8", "--epochs", "2",
                "--batch", "256", "--warmup", "4");
    }

    @Test
    void darkMatterWritesItsNumbers() {
        Path out = tmp.resolve("dark.json");
        Cli.Result r = Cli.ok("sae", "darkmatter", "--sae", sae, "--store", store, "--out", out);
        assertTrue(r.out().contains("linearly predictable"), r.out());
        JsonNode j = Cli.json(out);
        assertEquals(2000, j.get("train_tokens").asLong());
        for (String k : new String[] {"fvu", "fvu_nonlinear", "error_variance_explained", "error_norm_r2"}) {
            assertTrue(Double.isFinite(j.get(k).asDouble()) && j.get(k).asDouble() <= 1, k + " " + j.get(k));
        }
        assertTrue(j.get("fvu").asDouble() > 0);
    }

    @Test
    void browseWritesAPageForTheStrongestLatents() {
        Path out = tmp.resolve("features");
        Cli.ok("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--tokens", "1500", "--top-latents", "5",
                "--contexts", "4", "--out", out);
        assertTrue(Files.isRegularFile(out.resolve("index.html")));
        assertTrue(Files.isRegularFile(out.resolve("density.png")));
        JsonNode j = Cli.json(out.resolve("features.json"));
        assertEquals(5, j.get("latents").size());
        assertTrue(j.get("tokens").asLong() >= 1500);
    }

    @Test
    void badLatentChoicesSayWhatIsWrong() {
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--latents", "5-2", "--out",
                tmp.resolve("x")), 1, "backwards");
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--latents", "1", "--top-latents", "3",
                "--out", tmp.resolve("y")), 2, "mutually exclusive");
        Cli.assertError(Cli.run("sae", "darkmatter", "--sae", sae, "--store", tmp.resolve("nothing")), 1,
                "not an activation store");
    }
}

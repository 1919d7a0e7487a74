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
    void theDefaultIsBatchTopKAtItsOwnPeakRate() {
        JsonNode config = Cli.json(sae.resolve("config.json"));
        assertEquals("BATCHTOPK", config.get("sae").get("architecture").asText());
        assertEquals(3e-3, config.get("training").get("learning_rate").asDouble(), 1e-12);
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
    void anExplainerEndpointExplainsEachLatentShownAndAFailingOneStillLeavesThePages() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        int[] asked = {0};
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = ("{\"choices\":[{\"message\":{\"content\":\"stand-in explanation " + (++asked[0]) + "\"}}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        Path out = tmp.resolve("explained");
        try {
            Cli.ok("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--tokens", "1500", "--top-latents", "3",
                    "--out", out, "--explain-endpoint", base, "--explain-model", "stand-in");
        } finally {
            server.stop(0);
        }
        assertEquals(3, asked[0]);
        JsonNode j = Cli.json(out.resolve("features.json"));
        assertTrue(j.get("explained_by").asText().startsWith("stand-in at "), j.get("explained_by").toString());
        assertTrue(j.get("latents").get(0).get("explanation").asText().startsWith("stand-in explanation"));
        assertTrue(Files.readString(out.resolve("index.html")).contains("stand-in explanation 2"));

        // the same address with nothing listening: an error that says so, and the pages without explanations
        Path failed = tmp.resolve("unexplained");
        Cli.Result r = Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--tokens", "500", "--top-latents", "2",
                "--out", failed, "--explain-endpoint", base, "--explain-model", "stand-in");
        assertEquals(1, r.code(), r.err());
        java.util.List<String> lines = r.errLines();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("could not reach the explainer") && last.contains("without explanations"), last);
        assertTrue(Files.isRegularFile(failed.resolve("index.html")));
    }

    @Test
    void badLatentChoicesSayWhatIsWrong() {
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--explain-model", "m", "--out",
                tmp.resolve("z")), 1, "--explain-endpoint");
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--explain-endpoint", "localhost:1",
                "--explain-model", "m", "--out", tmp.resolve("w")), 1, "http://");
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--latents", "5-2", "--out",
                tmp.resolve("x")), 1, "backwards");
        Cli.assertError(Cli.run("sae", "browse", "--sae", sae, "--corpus", PAPERS, "--latents", "1", "--top-latents", "3",
                "--out", tmp.resolve("y")), 2, "mutually exclusive");
        Cli.assertError(Cli.run("sae", "darkmatter", "--sae", sae, "--store", tmp.resolve("nothing")), 1,
                "not an activation store");
    }
}

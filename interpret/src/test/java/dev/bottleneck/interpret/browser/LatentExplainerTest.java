package dev.bottleneck.interpret.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explainer's request and the handling of answers, against a stand-in OpenAI-compatible server
 * on localhost (canned answers; no language model runs in tests).
 */
class LatentExplainerTest {
    private HttpServer server;
    private final List<JsonNode> requests = new ArrayList<>();
    private final List<String> auth = new ArrayList<>();

    /** A server at /v1/chat/completions answering {@code status} with {@code body}. */
    private String serve(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            requests.add(Json.mapper().readTree(ex.getRequestBody()));
            auth.add(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static FeatureReport.Latent latent(int index, long fires) {
        FeatureReport.Context c1 = new FeatureReport.Context(0, 4, 3f, List.of("a", "god", "##dess", "of", "war"),
                new float[] {0, 3f, 2f, 0, 0}, 1);
        FeatureReport.Context c2 = new FeatureReport.Context(1, 2, 1.5f, List.of("the", "deity", "is"),
                new float[] {0, 1.5f, 0}, 1);
        return new FeatureReport.Latent(index, fires, 0.01, 2, 3f, fires == 0 ? List.of() : List.of(c1, c2), List.of(),
                List.of(new FeatureReport.TokenStat("god", 5, 0.5, 3, 9, 0.5, 1.5)), List.of(), new int[20], null);
    }

    private static FeatureReport report(FeatureReport.Latent... latents) {
        return new FeatureReport(null, "sae", "corpus", 100, 2, 8, 1, new double[4], List.of(latents), "now", "test", null);
    }

    @Test
    void asksWithTheMarkedContextsAndKeepsTheFirstLineOfTheAnswer() throws Exception {
        String base = serve(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\","
                + "\"content\":\"  \\\"female deities and gods\\\"\\nBecause the marked tokens...\"}}]}");
        LatentExplainer e = LatentExplainer.builder().setEndpoint(base).setModel("tiny-model").optApiKey("k3y")
                .optContexts(1).build();
        FeatureReport explained = e.explainAll(report(latent(7, 12), latent(8, 0)), done -> { });

        assertEquals("female deities and gods", explained.latents().get(0).explanation());
        assertNull(explained.latents().get(1).explanation(), "a latent that never fired is not sent");
        assertEquals(1, requests.size());
        assertTrue(explained.explainedBy().startsWith("tiny-model at " + base));
        JsonNode req = requests.get(0);
        assertEquals("tiny-model", req.get("model").asText());
        assertEquals("system", req.get("messages").get(0).get("role").asText());
        String user = req.get("messages").get(1).get("content").asText();
        assertTrue(user.contains("1. [10] a <<goddess>> of war"), user);
        assertTrue(!user.contains("deity"), "only --contexts 1 context: " + user);
        assertTrue(user.contains("\"god\""), "the most frequent tokens: " + user);
        assertEquals("Bearer k3y", auth.get(0));
    }

    @Test
    void firingsAreMarkedAsWordsAndPiecesAsTheyFire() {
        FeatureReport.Context c = new FeatureReport.Context(0, 0, 1f, List.of("god", "##dess", "of", "the", "sea"),
                new float[] {0, 1f, 0, 2f, 2f}, 1);
        assertEquals("god<<dess>> of <<the>> <<sea>>", LatentExplainer.text(c), "each firing word marked on its own");
    }

    @Test
    void aFailingEndpointSaysWhereAndWhat() throws Exception {
        String base = serve(401, "{\"error\":\"invalid api key\"}");
        LatentExplainer e = LatentExplainer.builder().setEndpoint(base).setModel("m").build();
        BottleneckException x = assertThrows(BottleneckException.class, () -> e.explain(latent(1, 3)));
        assertTrue(x.getMessage().contains("HTTP 401") && x.getMessage().contains("invalid api key"), x.getMessage());
        server.stop(0);
        server = null;

        String gone = base; // nothing listens there now
        BottleneckException y = assertThrows(BottleneckException.class,
                () -> LatentExplainer.builder().setEndpoint(gone).setModel("m").build().explain(latent(1, 3)));
        assertTrue(y.getMessage().startsWith("could not reach the explainer at " + gone), y.getMessage());

        assertThrows(BottleneckException.class, () -> LatentExplainer.builder().setEndpoint("localhost:8000").setModel("m").build());
        assertThrows(BottleneckException.class, () -> LatentExplainer.builder().setEndpoint("http://x/v1").build());
    }

    @Test
    void anAnswerWithoutContentIsRefused() throws Exception {
        String base = serve(200, "{\"choices\":[]}");
        BottleneckException x = assertThrows(BottleneckException.class,
                () -> LatentExplainer.builder().setEndpoint(base).setModel("m").build().explain(latent(1, 3)));
        assertTrue(x.getMessage().contains("choices[0].message.content"), x.getMessage());
    }
}

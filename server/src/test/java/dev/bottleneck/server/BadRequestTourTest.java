package dev.bottleneck.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted tour of bad requests: each is answered with the expected 4xx and one sentence in
 * {@code {"error": …}}, and after each the server still answers a good request correctly.
 */
class BadRequestTourTest {
    private static final int MAX_ROWS = 50;
    private static final long MAX_BODY = 64 * 1024;
    private static BottleneckServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = BottleneckServer.start(ServerConfig.builder().setModelsDir(TestModels.dir()).optPort(0)
                .optMaxRows(MAX_ROWS).optMaxBodyBytes(MAX_BODY).build());
        api = new ApiClient(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Bad(String method, String path, String body, int status, String mentions) {}

    private static String row(String... cells) {
        List<String> all = new ArrayList<>(List.of(cells));
        while (all.size() < 30) {
            all.add("1.0");
        }
        return "[" + String.join(",", all) + "]";
    }

    @Test
    void everyBadRequestGetsA4xxSentenceAndTheServerKeepsServing() {
        String score = "/api/models/" + TestModels.MODEL + "/score";
        String good = ApiTest.rowsBody(3);
        double expected = api.post(score, good).json().get("scores").get(0).asDouble();
        String wide = "{\"rows\": [" + row() + "]}";
        List<Bad> tour = List.of(
                new Bad("POST", score, "", 400, "empty"),
                new Bad("POST", score, "{\"rows\": [[1,2", 400, "not valid JSON"),
                new Bad("POST", score, "[1, 2, 3]", 400, "JSON object"),
                new Bad("POST", score, "{\"rows\": [" + row() + "]} trailing", 400, "not valid JSON"),
                new Bad("POST", score, "{\"rows\": [" + row() + "], \"rows\": []}", 400, "not valid JSON"),
                new Bad("POST", score, "{\"rowz\": [" + row() + "]}", 400, "unknown field"),
                new Bad("POST", score, "{}", 400, "exactly one of"),
                new Bad("POST", score, "{\"rows\": []}", 400, "empty"),
                new Bad("POST", score, "{\"rows\": 5}", 400, "list of rows"),
                new Bad("POST", score, "{\"rows\": [5]}", 400, "row 0 must be a list"),
                new Bad("POST", score, "{\"rows\": [[1.0, 2.0, 3.0]]}", 400, "has 3 values but the model expects 30"),
                new Bad("POST", score, "{\"rows\": [" + row() + "," + row("1", "2") + ", [1]]}", 400, "row 2 has 1 values"),
                new Bad("POST", score, "{\"rows\": [" + row("\"abc\"") + "]}", 400, "the text \"abc\""),
                new Bad("POST", score, "{\"rows\": [" + row("NaN") + "]}", 400, "not valid JSON"),
                new Bad("POST", score, "{\"rows\": [" + row("\"NaN\"") + "]}", 400, "expected a finite number"),
                new Bad("POST", score, "{\"rows\": [" + row("null") + "]}", 400, "is null"),
                new Bad("POST", score, "{\"rows\": [" + row("1e39") + "]}", 400, "32-bit float"),
                new Bad("POST", score, "{\"rows\": [" + row("1e999") + "]}", 400, "finite number"),
                new Bad("POST", score, "{\"rows\": [" + row("true") + "]}", 400, "is true"),
                new Bad("POST", score, "{\"rows\": [" + row("{}") + "]}", 400, "an object"),
                new Bad("POST", score, "{\"row\": " + row() + ", \"rows\": [" + row() + "]}", 400, "exactly one of"),
                new Bad("POST", score, "{\"row\": " + row() + ", \"threshold\": \"high\"}", 400, "threshold"),
                new Bad("POST", score, "{\"rows\": [" + (row() + ",").repeat(MAX_ROWS) + row() + "]}", 413, "at most " + MAX_ROWS),
                new Bad("POST", score, "{\"rows\": [[" + "1.0,".repeat(20_000) + "1.0]]}", 413, "larger than the server's limit"),
                new Bad("POST", score, "[".repeat(100_000 / 2), 400, "not valid JSON"),
                new Bad("POST", "/api/models/no-such-model/score", wide, 404, "does not exist"),
                new Bad("POST", "/api/models/.hidden/score", wide, 400, "not allowed"),
                new Bad("POST", "/api/models/..%2F..%2Fetc/score", wide, 400, "not allowed"),
                new Bad("GET", "/api/models/%2E%2E", null, 400, ""),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/files/..%2Fwdbc-detector%2Fdetector.json", null, 400, ""),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/files/.%2E/" + TestModels.DETECTOR + "/detector.json", null, 400, ""),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/files/config.json%00.png", null, 400, ""),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/files/model.safetensors", null, 404, "not served"),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/charts/pie.png", null, 404, "no chart"),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/sample?rows=abc", null, 400, "whole number"),
                new Bad("GET", "/api/models/" + TestModels.MODEL + "/sample?rows=100000", null, 400, "whole number"),
                new Bad("POST", "/api/models/" + TestModels.MODEL + "/detect", wide, 400, "no threshold"),
                new Bad("POST", "/api/models/" + TestModels.BROKEN + "/score", wide, 500, "could not be loaded"),
                new Bad("GET", "/api/nothing-here", null, 404, "not found"),
                new Bad("GET", score, null, 404, "not found"),
                new Bad("DELETE", "/api/models/" + TestModels.MODEL, null, 404, "not found"));
        for (Bad b : tour) {
            ApiClient.Answer a = api.send(b.method(), b.path(), b.body(), null);
            String what = b.method() + " " + b.path() + " " + (b.body() == null ? "" : ModelNames.shorten(b.body()));
            assertEquals(b.status(), a.status(), what + " → " + ModelNames.shorten(new String(a.body())));
            JsonNode err = a.json().get("error");
            assertTrue(err != null && err.isTextual(), what + ": no error field");
            String message = err.asText();
            assertTrue(message.contains(b.mentions()), what + ": \"" + message + "\" should mention \"" + b.mentions() + "\"");
            assertFalse(message.contains("\n") || message.contains("Exception"), what + ": not one plain sentence: " + message);
            // still serving, with the same answer as before
            ApiClient.Answer ok = api.post(score, good);
            assertEquals(200, ok.status(), "after " + what);
            assertEquals(expected, ok.json().get("scores").get(0).asDouble(), "after " + what);
        }
        JsonNode metrics = api.get("/api/metrics").json();
        assertEquals(tour.stream().filter(b -> b.status() >= 500).count(), metrics.get("responses5xx").asLong(),
                "the only 5xx answers are the broken model's");
    }
}

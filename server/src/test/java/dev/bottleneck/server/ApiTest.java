package dev.bottleneck.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON API against real models: answers agree with the library called directly. */
class ApiTest {
    private static BottleneckServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = BottleneckServer.start(ServerConfig.builder().setModelsDir(TestModels.dir()).optPort(0).build());
        api = new ApiClient(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The first n WDBC rows as a JSON "rows" body. */
    static String rowsBody(int n) {
        Table t = TestModels.wdbc();
        StringBuilder sb = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(rowJson(t.row(i)));
        }
        return sb.append("]}").toString();
    }

    static String rowJson(float[] row) {
        StringBuilder sb = new StringBuilder("[");
        for (int c = 0; c < row.length; c++) {
            sb.append(c == 0 ? "" : ",").append(row[c]);
        }
        return sb.append(']').toString();
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    @Test
    void healthAndMetrics() {
        ApiClient.Answer h = api.get("/api/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asText());
        assertEquals(3, h.json().get("models").asInt());
        api.post("/api/models/" + TestModels.MODEL + "/score", rowsBody(3));
        JsonNode m = api.get("/api/metrics").json();
        assertTrue(m.get("requests").asLong() >= 2, m.toString());
        assertTrue(m.get("rows_computed").asLong() >= 3, m.toString());
        assertTrue(m.has("latency_p99_ms"), m.toString());
    }

    @Test
    void listsModelsWithConfigProvenanceAndThreshold() {
        JsonNode list = api.get("/api/models").json();
        assertEquals(3, list.size());
        JsonNode broken = null;
        JsonNode detector = null;
        JsonNode model = null;
        for (JsonNode m : list) {
            switch (m.get("name").asText()) {
                case TestModels.BROKEN -> broken = m;
                case TestModels.DETECTOR -> detector = m;
                case TestModels.MODEL -> model = m;
                default -> throw new AssertionError("unexpected model " + m);
            }
        }
        assertNotNull(broken.get("error"), "a model that cannot load is listed with its error");
        assertEquals("model", model.get("kind").asText());
        assertEquals(30, model.get("input_width").asInt());
        assertEquals(4, model.get("latent").asInt());
        assertEquals(7, model.at("/config/provenance/seed").asInt());
        assertTrue(model.at("/config/provenance/data_file").asText().endsWith("wdbc.csv.gz"));
        assertFalse(model.has("threshold"));
        assertEquals("detector", detector.get("kind").asText());
        assertEquals(detector.at("/detector/threshold_value").asDouble(), detector.get("threshold").asDouble());
    }

    @Test
    void scoresEncodesAndReconstructsLikeTheLibrary() throws Exception {
        Table some = TestModels.wdbc().select(new int[] {0, 1, 2, 3, 4});
        try (Autoencoder local = Autoencoder.load(TestModels.dir().resolve(TestModels.MODEL))) {
            String path = "/api/models/" + TestModels.MODEL;
            ApiClient.Answer s = api.post(path + "/score", rowsBody(5));
            assertEquals(200, s.status(), new String(s.body()));
            assertArrayEquals(local.score(some), doubles(s.json().get("scores")), 1e-6);

            ApiClient.Answer one = api.post(path + "/score", "{\"row\": " + rowJson(some.row(2)) + "}");
            assertEquals(local.score(some)[2], one.json().get("score").asDouble(), 1e-6);

            JsonNode codes = api.post(path + "/encode", rowsBody(5)).json().get("codes");
            float[][] z = local.encode(some);
            assertEquals(5, codes.size());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(toDoubles(z[i]), doubles(codes.get(i)), 1e-5);
            }
            JsonNode rec = api.post(path + "/reconstruct", rowsBody(5)).json().get("reconstructions");
            float[][] x = local.reconstruct(some);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(toDoubles(x[i]), doubles(rec.get(i)), 1e-4);
            }
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void detectUsesTheDetectorsThreshold() {
        Table all = TestModels.wdbc();
        try (Detector local = Detector.load(TestModels.dir().resolve(TestModels.DETECTOR))) {
            JsonNode r = api.post("/api/models/" + TestModels.DETECTOR + "/detect", rowsBody(all.rows())).json();
            double t = local.fitResult().orElseThrow().thresholdValue();
            assertEquals(t, r.get("threshold").asDouble());
            double[] scores = doubles(r.get("scores"));
            assertArrayEquals(local.score(all), scores, 1e-6);
            int[] expected = local.predict(all);
            int flagged = 0;
            for (int i = 0; i < scores.length; i++) {
                assertEquals(expected[i], r.get("outliers").get(i).asInt(), "row " + i);
                flagged += expected[i];
            }
            assertTrue(flagged > 0 && flagged < scores.length, "some rows but not all are flagged: " + flagged);
        }
        // a plain model has no threshold of its own: one in the body is used, none is a 400
        String path = "/api/models/" + TestModels.MODEL + "/detect";
        assertEquals(400, api.post(path, rowsBody(2)).status());
        JsonNode r = api.post(path, "{\"threshold\": 0.5, " + rowsBody(2).substring(1)).json();
        assertEquals(0.5, r.get("threshold").asDouble());
        assertEquals(2, r.get("outliers").size());
    }

    @Test
    void drawsEveryChartAsPng() {
        for (String model : List.of(TestModels.MODEL, TestModels.DETECTOR)) {
            for (String chart : ModelCharts.NAMES) {
                if (chart.equals("loss") && model.equals(TestModels.DETECTOR)) {
                    assertEquals(404, api.get("/api/models/" + model + "/charts/loss.png").status(), "a detector keeps no history");
                    continue;
                }
                ApiClient.Answer a = api.get("/api/models/" + model + "/charts/" + chart + ".png");
                assertEquals(200, a.status(), model + " " + chart + ": " + new String(a.body()));
                assertEquals("image/png", a.header("Content-Type"));
                assertTrue(a.body().length > 1000 && a.body()[1] == 'P' && a.body()[2] == 'N' && a.body()[3] == 'G');
            }
        }
    }

    @Test
    void servesExampleRowsAndModelFiles() {
        JsonNode s = api.get("/api/models/" + TestModels.DETECTOR + "/sample?rows=3").json();
        assertEquals(3, s.get("rows").size());
        assertEquals(30, s.get("rows").get(0).size());
        assertEquals(3, s.get("labels").size(), "the detector's data label column is found again");
        assertEquals(TestModels.wdbc().row(0)[0], s.get("rows").get(0).get(0).floatValue());

        JsonNode files = api.get("/api/models/" + TestModels.MODEL + "/files").json();
        List<String> names = new ArrayList<>();
        files.forEach(f -> names.add(f.asText()));
        assertTrue(names.contains("prototypes.png") && names.contains("features/index.html"), names.toString());
        ApiClient.Answer page = api.get("/api/models/" + TestModels.MODEL + "/files/features/index.html");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").contains("sandbox"));
        assertEquals(404, api.get("/api/models/" + TestModels.MODEL + "/files/model.safetensors").status());
    }

    /** Many requests at once on one shared model give exactly the answers of one request at a time. */
    @Test
    void concurrentRequestsGetTheSerialAnswers() throws Exception {
        String path = "/api/models/" + TestModels.DETECTOR + "/score";
        List<String> bodies = new ArrayList<>();
        List<JsonNode> serial = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            bodies.add(rowsBody(n * 20));
            serial.add(api.post(path, bodies.get(n - 1)).json().get("scores"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 96; i++) {
                int k = i % bodies.size();
                results.add(pool.submit(() -> {
                    ApiClient.Answer a = api.post(path, bodies.get(k));
                    return a.status() == 200 && a.json().get("scores").equals(serial.get(k));
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

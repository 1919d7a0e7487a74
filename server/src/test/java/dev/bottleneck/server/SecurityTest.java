package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Binding and token rules. */
class SecurityTest {
    private static final String TOKEN = "0123456789abcdef-test-token";

    @Test
    void refusesANonLoopbackBindWithoutAToken() {
        for (String host : new String[] {"0.0.0.0", "::"}) {
            BottleneckException e = assertThrows(BottleneckException.class, () -> ServerConfig.builder()
                    .setModelsDir(TestModels.dir()).optHost(host).build());
            assertTrue(e.getMessage().startsWith("refusing to bind " + host + " without a token"), e.getMessage());
        }
        // with a token the same address is accepted (not bound here)
        assertEquals("0.0.0.0", ServerConfig.builder().setModelsDir(TestModels.dir()).optHost("0.0.0.0").optToken(TOKEN)
                .build().host());
        assertTrue(ServerConfig.isLoopback("localhost") && ServerConfig.isLoopback("127.0.0.2") && ServerConfig.isLoopback("::1"));
    }

    @Test
    void refusesShortTokensAndBadSettings() {
        assertThrows(BottleneckException.class, () -> ServerConfig.builder().setModelsDir(TestModels.dir()).optToken("short").build());
        assertThrows(BottleneckException.class, () -> ServerConfig.builder().setModelsDir(TestModels.dir().resolve("none")).build());
        assertThrows(BottleneckException.class, () -> ServerConfig.builder().setModelsDir(TestModels.dir()).optPort(70000).build());
        assertTrue(ServerConfig.builder().setModelsDir(TestModels.dir()).optToken(TOKEN).build().toString().contains("token=set"),
                "the token never shows in a printed config");
    }

    /** A page on another domain re-pointed at 127.0.0.1 (DNS rebinding) names its own domain as Host: refused. */
    @Test
    void withoutATokenOnlyLoopbackHostNamesAreAnswered() throws Exception {
        try (BottleneckServer server = BottleneckServer.start(ServerConfig.builder().setModelsDir(TestModels.dir())
                .optPort(0).build())) {
            String refused = rawGet(server.port(), "attacker.example:" + server.port());
            assertTrue(refused.startsWith("HTTP/1.1 403"), refused);
            assertTrue(refused.contains("does not name this server"), refused);
            for (String host : new String[] {"127.0.0.1", "localhost", "[::1]"}) {
                assertTrue(rawGet(server.port(), host + ":" + server.port()).startsWith("HTTP/1.1 200"), host);
            }
        }
    }

    private static String rawGet(int port, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /api/health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyApiCallNeedsTheTokenWhenOneIsSet() {
        try (BottleneckServer server = BottleneckServer.start(ServerConfig.builder().setModelsDir(TestModels.dir())
                .optPort(0).optToken(TOKEN).build())) {
            ApiClient anon = new ApiClient(server, null);
            String[] paths = {"/api/health", "/api/metrics", "/api/models", "/api/models/" + TestModels.MODEL,
                "/api/models/" + TestModels.MODEL + "/charts/loss.png", "/api/models/no-such/files/x.png", "/api/unknown"};
            for (String p : paths) {
                assertEquals(401, anon.get(p).status(), p);
                assertEquals(401, anon.send("GET", p, null, "Bearer " + TOKEN + "x").status(), p);
                assertEquals(401, anon.send("GET", p, null, TOKEN).status(), p + " without the Bearer scheme");
            }
            assertEquals(401, anon.post("/api/models/" + TestModels.MODEL + "/score", ApiTest.rowsBody(1)).status());
            ApiClient authorised = new ApiClient(server, TOKEN);
            assertEquals(200, authorised.get("/api/health").status());
            assertEquals(200, authorised.post("/api/models/" + TestModels.MODEL + "/score", ApiTest.rowsBody(1)).status());
            // the dashboard's static pages hold no data and load without the token (its API calls then ask for it)
            assertEquals(200, anon.get("/").status());
            assertTrue(new String(anon.get("/").body()).contains("Bottleneck dashboard"));
        }
    }
}

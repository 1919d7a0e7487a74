package dev.bottleneck.server;

import dev.bottleneck.io.Json;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Jetty's answer to requests refused before they reach Javalin (an ambiguous URI such as an
 * encoded "/" or "..", a malformed request line, oversized headers): the same
 * {@code {"error": …}} JSON as every other refusal, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse res) throws IOException {
        base.setHandled(true);
        Object m = req.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        res.setContentType("application/json");
        res.getOutputStream().write(body(res.getStatus(), m == null ? null : m.toString()));
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int status, String reason) {
        String r = reason == null || reason.isBlank() ? "" : ": " + ModelNames.shorten(reason.strip());
        try {
            return Json.compact().writeValueAsString(Map.of("error",
                    "the request was refused before it reached the API (HTTP " + status + r + ")"))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ("{\"error\": \"the request was refused (HTTP " + status + ")\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}

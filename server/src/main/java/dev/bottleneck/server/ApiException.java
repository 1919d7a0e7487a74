package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;

/** A request the server refuses: an HTTP status and one sentence the client is shown as {@code {"error": …}}. */
final class ApiException extends BottleneckException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }
}

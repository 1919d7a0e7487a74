package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a {@link BottleneckServer}. Immutable; build with {@link #builder()}: {@code set*}
 * for what is required, {@code opt*} for the rest, all checked at {@link Builder#build()}.
 *
 * @param modelsDir directory whose subdirectories are model or detector directories
 * @param host address to bind; loopback unless a token is set
 * @param port TCP port; 0 picks a free one
 * @param token bearer token every {@code /api} call must carry, or null (loopback only)
 * @param maxBodyBytes largest request body accepted
 * @param maxRows largest batch accepted per request
 * @param requestTimeout how long one request may compute before it is answered 503
 * @param computeThreads threads that run model computations (requests beyond them queue)
 */
public record ServerConfig(
        Path modelsDir,
        String host,
        int port,
        String token,
        long maxBodyBytes,
        int maxRows,
        Duration requestTimeout,
        int computeThreads) {

    /** Shortest token accepted: a guessable token on an open port is no protection. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the host names a loopback address (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new BottleneckException("--host " + host + " is not a known address (expected an IP address such as 127.0.0.1 or a resolvable name)");
        }
    }

    public static final class Builder {
        private Path modelsDir;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String token;
        private long maxBodyBytes = 10L << 20;
        private int maxRows = 10_000;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int computeThreads = Math.max(1, Runtime.getRuntime().availableProcessors());

        public Builder setModelsDir(Path v) { modelsDir = v; return this; }
        public Builder optHost(String v) { host = v; return this; }
        public Builder optPort(int v) { port = v; return this; }
        public Builder optToken(String v) { token = v; return this; }
        public Builder optMaxBodyBytes(long v) { maxBodyBytes = v; return this; }
        public Builder optMaxRows(int v) { maxRows = v; return this; }
        public Builder optRequestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder optComputeThreads(int v) { computeThreads = v; return this; }

        public ServerConfig build() {
            if (modelsDir == null) {
                throw new BottleneckException("a models directory must be set (setModelsDir: a directory with one subdirectory per model)");
            }
            if (!Files.isDirectory(modelsDir)) {
                throw new BottleneckException("models directory " + modelsDir + (Files.exists(modelsDir)
                        ? " is a file, expected a directory with one subdirectory per model" : " does not exist"));
            }
            if (host == null || host.isBlank()) {
                throw new BottleneckException("host must not be blank (default 127.0.0.1)");
            }
            if (port < 0 || port > 65535) {
                throw new BottleneckException("port must be in 0..65535 (0 picks a free port), got " + port);
            }
            String t = token == null || token.isEmpty() ? null : token;
            if (t != null && t.length() < MIN_TOKEN_LENGTH) {
                throw new BottleneckException("the token has " + t.length() + " characters; use at least "
                        + MIN_TOKEN_LENGTH + " (for example: openssl rand -hex 16)");
            }
            if (t == null && !isLoopback(host)) {
                throw new BottleneckException("refusing to bind " + host + " without a token: set --token or the "
                        + "environment variable BOTTLENECK_TOKEN, or bind 127.0.0.1");
            }
            if (maxBodyBytes < 1024) {
                throw new BottleneckException("the body size limit must be at least 1024 bytes, got " + maxBodyBytes);
            }
            if (maxRows < 1) {
                throw new BottleneckException("the batch limit must be at least 1 row, got " + maxRows);
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new BottleneckException("the request timeout must be positive, got " + requestTimeout);
            }
            if (computeThreads < 1) {
                throw new BottleneckException("compute threads must be at least 1, got " + computeThreads);
            }
            return new ServerConfig(modelsDir.toAbsolutePath().normalize(), host, port, t, maxBodyBytes, maxRows,
                    requestTimeout, computeThreads);
        }
    }

    /** Hides the token so a logged config never shows it. */
    @Override
    public String toString() {
        return "ServerConfig[modelsDir=" + modelsDir + ", host=" + host + ", port=" + port + ", token="
                + (token == null ? "none" : "set") + ", maxBodyBytes=" + maxBodyBytes + ", maxRows=" + maxRows
                + ", requestTimeout=" + requestTimeout + ", computeThreads=" + computeThreads + "]";
    }
}

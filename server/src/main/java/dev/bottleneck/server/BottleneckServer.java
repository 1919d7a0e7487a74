package dev.bottleneck.server;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scoring server and dashboard: a JSON API under {@code /api} and the dashboard's static
 * pages at {@code /}, on one Javalin (Jetty) server.
 *
 * <pre>{@code
 * try (BottleneckServer server = BottleneckServer.start(ServerConfig.builder()
 *         .setModelsDir(Path.of("models")).optPort(8080).build())) {
 *     server.join();
 * }
 * }</pre>
 *
 * <p>Security: binds 127.0.0.1 unless told otherwise, and {@link ServerConfig} refuses any other
 * address without a token; with a token every {@code /api} call must carry it. Bodies are read up
 * to a size limit, batches up to a row limit, each computation up to a time limit; model and file
 * names cannot leave the models directory; bodies are parsed as JSON trees, never deserialized
 * into Java objects.
 */
public final class BottleneckServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BottleneckServer.class);
    /** Requests waiting for a compute thread beyond this many are answered 503 at once. */
    private static final int QUEUE = 1024;
    /** Connections idle (a client sending its body slowly, say) this long are closed. */
    private static final long IDLE_TIMEOUT_MS = 30_000;

    private final ServerConfig config;
    private final ModelRegistry models;
    private final ModelCharts charts;
    private final ThreadPoolExecutor pool;
    private final Metrics metrics = new Metrics();
    private final Javalin app;

    private BottleneckServer(ServerConfig config) {
        this.config = config;
        this.models = new ModelRegistry(config.modelsDir());
        this.charts = new ModelCharts();
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.computeThreads(), config.computeThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "bottleneck-compute-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        TokenGuard guard = new TokenGuard(config.token());
        HostCheck hosts = new HostCheck(config.host());
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.jsonMapper(new JavalinJackson(Json.compact(), false));
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(5_000);
                server.setErrorHandler(new JsonErrorHandler());
            });
            c.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                h.setRequestHeaderSize(16 * 1024);
            });
            c.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/dashboard";
                s.location = Location.CLASSPATH;
                s.headers = Map.of(
                        "Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob:; frame-ancestors 'none'",
                        "X-Content-Type-Options", "nosniff",
                        "Cache-Control", "no-cache");
            });
            c.requestLogger.http((ctx, ms) -> {
                if (ctx.path().startsWith("/api/")) {
                    metrics.record(ctx.statusCode(), ms);
                }
            });
        });
        app.before("/api/*", ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Cache-Control", "no-store");
            if (guard.enabled()) {
                guard.check(ctx.header("Authorization"));
            } else {
                hosts.check(ctx.header("Host"));
            }
        });
        new ApiRoutes(config, models, charts, this::compute, metrics).register(app);
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        app.exception(BottleneckException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), sentence(e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the server failed on this request (" + e.getClass().getSimpleName() + "); see its log");
        });
    }

    /** Starts a server; bind failures (port in use, bad address) become one sentence. */
    public static BottleneckServer start(ServerConfig config) {
        BottleneckServer s = new BottleneckServer(config);
        try {
            s.app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            s.close();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new BottleneckException("could not start the server on " + config.host() + ":" + config.port() + ": "
                    + root.getMessage(), e);
        }
        for (var connector : s.app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector sc) {
                sc.setIdleTimeout(IDLE_TIMEOUT_MS);
            }
        }
        LOG.info("serving {} model(s) from {} at {}", s.models.names().size(), config.modelsDir(), s.url());
        return s;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The dashboard's address. */
    public String url() {
        String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + h + ":" + port() + "/";
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        app.jettyServer().server().join();
    }

    /** Runs model work on the compute pool and waits at most the request timeout for it. */
    private <T> T compute(Callable<T> task) {
        Future<T> f;
        try {
            f = pool.submit(task);
        } catch (RejectedExecutionException e) {
            throw new ApiException(503, "the server is busy (" + QUEUE + " requests already waiting); try again shortly");
        }
        long ms = config.requestTimeout().toMillis();
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new ApiException(503, "the request took longer than the server's limit of " + ms / 1000.0
                    + " s and was abandoned; send fewer rows");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the server is shutting down");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status);
        ctx.json(Map.of("error", message == null || message.isBlank() ? "request failed with status " + status : message));
    }

    /** Javalin's own messages ("Not found") as a sentence. */
    private static String sentence(String m) {
        return m == null ? null : m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            models.close();
            charts.close();
        }
    }
}

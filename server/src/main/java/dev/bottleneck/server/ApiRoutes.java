package dev.bottleneck.server;

import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.ModelConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The JSON API under {@code /api}. Every model computation runs through {@link Compute}, which
 * bounds how many run at once and how long a request may take.
 */
final class ApiRoutes {
    /** Extensions of model-directory files the dashboard may show, and their content types. */
    private static final Map<String, String> FILE_TYPES = Map.of(
            "png", "image/png", "svg", "image/svg+xml", "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "json", "application/json", "jsonl", "application/x-ndjson", "txt", "text/plain; charset=utf-8",
            "csv", "text/csv; charset=utf-8");
    /** Of those, the ones {@code GET …/files} lists for the dashboard to show. */
    private static final List<String> SHOWN = List.of("png", "svg", "html");
    private static final int MAX_LISTED_FILES = 100;
    private static final int MAX_SAMPLE_ROWS = 100;

    private final ServerConfig config;
    private final ModelRegistry models;
    private final ModelCharts charts;
    private final Compute compute;
    private final Metrics metrics;

    /** One model as {@code GET /api/models} lists it: its config (provenance included) and what it offers. */
    record ModelInfo(String name, String kind, String family, Integer inputWidth, Integer latent, List<String> columns,
            Double threshold, ModelConfig config, FitResult detector, List<String> charts, String error) {}

    record Encoded(String model, List<float[]> codes, float[] code) {}
    record Reconstructed(String model, List<float[]> reconstructions, float[] reconstruction) {}
    record Scored(String model, double[] scores, Double score) {}
    record Detected(String model, double threshold, double[] scores, int[] outliers, Double score, Integer outlier) {}
    record Sample(String model, String source, List<String> columns, List<float[]> rows, List<String> labels) {}
    record Health(String status, int models, String version) {}

    ApiRoutes(ServerConfig config, ModelRegistry models, ModelCharts charts, Compute compute, Metrics metrics) {
        this.config = config;
        this.models = models;
        this.charts = charts;
        this.compute = compute;
        this.metrics = metrics;
    }

    void register(Javalin app) {
        app.get("/api/health", ctx -> ctx.json(new Health("ok", models.names().size(), dev.bottleneck.Version.get())));
        app.get("/api/metrics", ctx -> ctx.json(metrics.snapshot(models.names().size())));
        app.get("/api/models", ctx -> ctx.json(compute.run(() -> models.names().stream().map(this::info).toList())));
        app.get("/api/models/{name}", ctx -> ctx.json(compute.run(() -> info(ctx.pathParam("name")))));
        app.post("/api/models/{name}/encode", ctx -> rows(ctx, (m, r) -> {
            float[][] z = m.encode(r.table());
            return r.single() ? new Encoded(m.name(), null, z[0]) : new Encoded(m.name(), Arrays.asList(z), null);
        }));
        app.post("/api/models/{name}/reconstruct", ctx -> rows(ctx, (m, r) -> {
            float[][] x = m.reconstruct(r.table());
            return r.single() ? new Reconstructed(m.name(), null, x[0]) : new Reconstructed(m.name(), Arrays.asList(x), null);
        }));
        app.post("/api/models/{name}/score", ctx -> rows(ctx, (m, r) -> {
            double[] s = m.score(r.table());
            return r.single() ? new Scored(m.name(), null, s[0]) : new Scored(m.name(), s, null);
        }));
        app.post("/api/models/{name}/detect", ctx -> rows(ctx, (m, r) -> {
            double t = threshold(m, r);
            double[] s = m.score(r.table());
            int[] flags = FitResult.flags(s, t);
            return r.single() ? new Detected(m.name(), t, null, null, s[0], flags[0])
                    : new Detected(m.name(), t, s, flags, null, null);
        }));
        app.get("/api/models/{name}/charts/{chart}", this::chart);
        app.get("/api/models/{name}/sample", this::sample);
        app.get("/api/models/{name}/files", ctx -> ctx.json(files(models.get(ctx.pathParam("name")))));
        app.get("/api/models/{name}/files/<path>", this::file);
    }

    /** What a row computation does with a model and a checked request. */
    @FunctionalInterface
    private interface RowsHandler {
        Object apply(ServedModel m, RowsRequest r);
    }

    private void rows(Context ctx, RowsHandler handler) throws IOException {
        ServedModel m = models.get(ctx.pathParam("name"));
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = RowsRequest.readBody(in, ctx.req().getContentLengthLong(), config.maxBodyBytes());
        }
        RowsRequest r = RowsRequest.parse(body, m.columns(), config.maxRows());
        Object answer = compute.run(() -> handler.apply(m, r));
        metrics.rows(r.values().length);
        ctx.json(answer);
    }

    /** A detector's fitted threshold, or the one in the body (which a plain model needs). */
    private static double threshold(ServedModel m, RowsRequest r) {
        if (r.threshold() != null) {
            return r.threshold();
        }
        return m.threshold().orElseThrow(() -> ApiException.badRequest("model '" + m.name()
                + "' has no threshold (it is not a detector directory from 'bottleneck detect --save'); send"
                + " \"threshold\" in the body"));
    }

    private ModelInfo info(String name) {
        ServedModel m;
        try {
            m = models.get(name);
        } catch (ApiException e) {
            if (e.status() != 500) {
                throw e;
            }
            return new ModelInfo(name, null, null, null, null, null, null, null, null, List.of(), e.getMessage());
        }
        return new ModelInfo(name, m.kind().name().toLowerCase(Locale.ROOT), m.config().family(), m.inputWidth(),
                m.model().latent(), m.columns(), m.threshold().isPresent() ? m.threshold().getAsDouble() : null,
                m.config(), m.fit().orElse(null), ModelCharts.NAMES, null);
    }

    private void chart(Context ctx) throws IOException {
        ServedModel m = models.get(ctx.pathParam("name"));
        String chart = ctx.pathParam("chart");
        String name = chart.endsWith(".png") ? chart.substring(0, chart.length() - 4) : chart;
        Path png = compute.run(() -> charts.chart(m, name));
        ctx.contentType("image/png");
        ctx.header("Cache-Control", "no-cache");
        ctx.result(Files.readAllBytes(png));
    }

    private void sample(Context ctx) {
        ServedModel m = models.get(ctx.pathParam("name"));
        int n = parseCount(ctx.queryParam("rows"));
        DataSample s = compute.run(() -> charts.sample(m));
        Table t = s.table();
        int k = Math.min(n, t.rows());
        List<float[]> rows = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            rows.add(t.row(i));
        }
        ctx.json(new Sample(m.name(), s.path().getFileName().toString(), m.columns(), rows,
                t.hasLabels() ? t.labels().subList(0, k) : null));
    }

    private static int parseCount(String v) {
        if (v == null) {
            return 5;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_SAMPLE_ROWS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("rows must be a whole number from 1 to " + MAX_SAMPLE_ROWS + ", got '"
                + ModelNames.shorten(v) + "'");
    }

    /** Pictures and pages the model directory holds (prototypes, an SAE feature browser, …), two levels deep. */
    private static List<String> files(ServedModel m) throws IOException {
        Path dir = m.dir();
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> SHOWN.contains(extension(p)) && Arrays.stream(p.split("/")).allMatch(ModelNames::valid))
                    .sorted()
                    .limit(MAX_LISTED_FILES)
                    .toList();
        }
    }

    private void file(Context ctx) throws IOException {
        ServedModel m = models.get(ctx.pathParam("name"));
        String rel = ctx.pathParam("path");
        String type = FILE_TYPES.get(extension(rel));
        if (type == null) {
            throw ApiException.notFound("files of type '" + ModelNames.shorten(extension(rel)) + "' are not served (served: "
                    + String.join(", ", FILE_TYPES.keySet().stream().sorted().toList()) + ")");
        }
        Path p = ModelNames.resolve(m.dir(), rel, "file");
        if (!Files.isRegularFile(p)) {
            throw ApiException.notFound("file '" + ModelNames.shorten(rel) + "' is not a regular file");
        }
        ctx.contentType(type);
        if (type.startsWith("text/html") || type.startsWith("image/svg")) {
            // pages from a model directory run in an opaque origin: their scripts cannot call this API as the dashboard
            ctx.header("Content-Security-Policy", "sandbox allow-scripts");
        }
        ctx.result(Files.readAllBytes(p));
    }

    private static String extension(String path) {
        int i = path.lastIndexOf('.');
        return i < 0 ? "" : path.substring(i + 1).toLowerCase(Locale.ROOT);
    }

    /** Runs model work on the compute pool within the request timeout. */
    interface Compute {
        <T> T run(Callable<T> task);
    }
}

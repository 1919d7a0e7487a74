package dev.bottleneck.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.plot.Histogram;
import dev.bottleneck.plot.ImageGrid;
import dev.bottleneck.plot.LossCurve;
import dev.bottleneck.plot.Scatter2D;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's pictures of a model, drawn on the server with the project's plot package and
 * cached as PNG files (a model never changes while served, so each is drawn once):
 * {@code loss} (training and validation loss by epoch, from {@code history.jsonl}),
 * {@code reconstructions} (inputs above their reconstructions), {@code codes} (a 2-D map of the
 * codes, coloured by label) and {@code scores} (the reconstruction-error histogram with the
 * detector's threshold). The last three draw rows of the model's training data ({@link DataSample}).
 */
final class ModelCharts implements AutoCloseable {
    static final List<String> NAMES = List.of("loss", "reconstructions", "codes", "scores");
    private static final int GRID_ROWS = 16;
    private static final int BINS = 40;

    private final Path cache;
    private final ConcurrentHashMap<String, Object> done = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> samples = new ConcurrentHashMap<>();

    ModelCharts() {
        try {
            this.cache = Files.createTempDirectory("bottleneck-serve-charts");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for chart files", e);
        }
    }

    /**
     * The PNG file of chart {@code chart} of {@code m}, drawing it on first use.
     *
     * @throws ApiException 404 for an unknown chart or one the model has no data for
     */
    Path chart(ServedModel m, String chart) {
        if (!NAMES.contains(chart)) {
            throw ApiException.notFound("there is no chart '" + ModelNames.shorten(chart) + "' (expected one of "
                    + String.join(", ", NAMES) + ")");
        }
        Object r = done.computeIfAbsent(m.name() + "/" + chart, k -> {
            try {
                return draw(m, chart);
            } catch (ApiException e) {
                return e;
            }
        });
        if (r instanceof ApiException e) {
            throw e;
        }
        return (Path) r;
    }

    /** The model's training-data sample, loaded once. */
    DataSample sample(ServedModel m) {
        Object r = samples.computeIfAbsent(m.name(), k -> {
            try {
                return DataSample.load(m);
            } catch (ApiException e) {
                return e;
            }
        });
        if (r instanceof ApiException e) {
            throw e;
        }
        return (DataSample) r;
    }

    private Path draw(ServedModel m, String chart) {
        Path out = cache.resolve(m.name() + "-" + chart + ".png");
        try {
            switch (chart) {
                case "loss" -> {
                    return loss(m, out);
                }
                case "reconstructions" -> reconstructions(m, sample(m).table(), out);
                case "codes" -> codes(m, sample(m).table(), out);
                default -> scores(m, sample(m).table(), out);
            }
            return out;
        } catch (IOException e) {
            throw new ApiException(500, "could not draw the " + chart + " chart of model '" + m.name() + "': " + e.getMessage());
        }
    }

    private static Path loss(ServedModel m, Path out) throws IOException {
        Path history = m.dir().resolve("history.jsonl");
        if (!Files.isRegularFile(history)) {
            Path png = m.dir().resolve("loss.png");
            if (Files.isRegularFile(png)) {
                return png;
            }
            throw ApiException.notFound("model '" + m.name() + "' has no history.jsonl or loss.png (it was not written by 'bottleneck train')");
        }
        List<double[]> points = new ArrayList<>();
        boolean hasValidation = false;
        for (String line : Files.readAllLines(history)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode r = Json.mapper().readTree(line);
            JsonNode v = r.get("validation_loss");
            boolean val = v != null && v.isNumber();
            hasValidation |= val;
            points.add(new double[] {r.path("epoch").asDouble(), r.path("train_loss").asDouble(Double.NaN),
                    val ? v.asDouble() : Double.NaN});
        }
        if (points.isEmpty()) {
            throw ApiException.notFound("the history.jsonl of model '" + m.name() + "' has no epochs");
        }
        double[] epochs = points.stream().mapToDouble(p -> p[0]).toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", points.stream().mapToDouble(p -> p[1]).toArray());
        if (hasValidation) {
            series.put("validation loss", points.stream().mapToDouble(p -> p[2]).toArray());
        }
        LossCurve.write(out, "Loss by epoch — " + m.name(), epochs, series, true);
        return out;
    }

    /**
     * Images are drawn as they are; table rows as square tiles of their columns (left to right,
     * top to bottom), each column stretched so its smallest value in the sample is black and its
     * largest white, the reconstruction on the same scale as its input.
     */
    private static void reconstructions(ServedModel m, Table data, Path out) throws IOException {
        int n = Math.min(GRID_ROWS, data.rows());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Table some = data.select(idx);
        float[][] originals = new float[n][];
        for (int i = 0; i < n; i++) {
            originals[i] = some.row(i);
        }
        float[][] recon = m.reconstruct(some);
        if (data.imageShape().isPresent()) {
            int[] s = data.imageShape().get();
            ImageGrid.writeReconstructions(out, originals, recon, s[0], s[1], s[2]);
            return;
        }
        int d = data.cols();
        float[] lo = new float[d];
        float[] hi = new float[d];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < d; c++) {
                float v = data.get(r, c);
                if (Float.isFinite(v)) {
                    lo[c] = Math.min(lo[c], v);
                    hi[c] = Math.max(hi[c], v);
                }
            }
        }
        int side = (int) Math.ceil(Math.sqrt(d));
        ImageGrid.writeReconstructions(out, tiles(originals, lo, hi, side), tiles(recon, lo, hi, side), 1, side, side);
    }

    private static float[][] tiles(float[][] rows, float[] lo, float[] hi, int side) {
        float[][] out = new float[rows.length][side * side];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < rows[i].length; c++) {
                float span = hi[c] - lo[c];
                out[i][c] = span > 0 ? (rows[i][c] - lo[c]) / span : 0.5f;
            }
        }
        return out;
    }

    private static void codes(ServedModel m, Table data, Path out) throws IOException {
        float[][] codes = m.encode(data);
        double[] scores = codes[0].length == 1 ? m.score(data) : null;
        CodeMap map = CodeMap.of(codes, scores);
        String[] groups = data.hasLabels() ? data.labels().toArray(new String[0]) : null;
        String title = "Codes of " + data.rows() + " training rows" + (groups != null
                ? ", coloured by " + data.labelColumn().orElse("label") : "");
        Scatter2D.write(out, title, map.xTitle(), map.yTitle(), map.x(), map.y(), groups);
    }

    private static void scores(ServedModel m, Table data, Path out) throws IOException {
        double[] s = m.score(data);
        OptionalDouble t = m.threshold();
        String title = "Reconstruction error of " + data.rows() + " training rows"
                + (t.isPresent() ? "" : " (no threshold: not a detector)");
        Histogram.write(out, title, s, BINS, t);
    }

    @Override
    public void close() {
        AtomicFiles.deleteRecursively(cache);
    }
}

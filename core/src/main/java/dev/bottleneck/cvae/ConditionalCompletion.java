package dev.bottleneck.cvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.plot.ImageGrid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Completions of images from their given quadrants, and the picture of them: one row per input,
 * columns = the given quadrant (missing pixels grey), the ground truth, the baseline's prediction
 * (when a baseline is given), then several CVAE samples, each from its own z ~ p(z|x). Completed
 * pixels are the generator's Bernoulli means; the given pixels are pasted back unchanged.
 */
public final class ConditionalCompletion {
    /** Grey for the pixels the model has to fill in, in the "given" column. */
    public static final float UNKNOWN = 0.5f;
    /** Completed rows per engine call. */
    private static final int CHUNK = 4096;

    private ConditionalCompletion() {}

    /**
     * {@code samples} completions of y for every row of {@code x} (rows × dx): result[row][sample]
     * is dy Bernoulli means. The baseline is deterministic and gives one per row. Seeded.
     */
    public static float[][][] complete(ConditionalVae model, float[][] x, int samples, long seed) {
        if (samples < 1) {
            throw new BottleneckException("the number of samples must be ≥ 1, got " + samples);
        }
        int dx = model.spec().inputWidth();
        int dy = model.spec().outputWidth();
        int s = model.kind() == ConditionalKind.BASELINE ? 1 : samples;
        int n = x.length;
        float[] flat = new float[n * s * dx];
        for (int k = 0; k < s; k++) {
            for (int i = 0; i < n; i++) {
                if (x[i].length != dx) {
                    throw new BottleneckException("row " + i + " of x has " + x[i].length + " values but the model expects " + dx);
                }
                System.arraycopy(x[i], 0, flat, (k * n + i) * dx, dx);
            }
        }
        Engines.inferenceMode();
        Engines.seed(seed);
        int total = n * s;
        float[] out = new float[total * dy];
        // in chunks, each in its own sub-manager, so memory stays flat however many rows
        for (int start = 0; start < total; start += CHUNK) {
            int m = Math.min(CHUNK, total - start);
            try (NDManager sub = model.manager().newSubManager()) {
                NDArray xs = sub.create(Arrays.copyOfRange(flat, start * dx, (start + m) * dx), new Shape(m, dx));
                System.arraycopy(model.complete(xs).toFloatArray(), 0, out, start * dy, m * dy);
            }
        }
        float[][][] result = new float[n][s][];
        for (int k = 0; k < s; k++) {
            for (int i = 0; i < n; i++) {
                int o = (k * n + i) * dy;
                result[i][k] = Arrays.copyOfRange(out, o, o + dy);
            }
        }
        return result;
    }

    /**
     * Up to {@code n} row indices of {@code images} that show different things: the first row of
     * each class in order of appearance, then the next rows (classes are the IDX labels, when present).
     */
    public static int[] diverseRows(Table images, int n) {
        int want = Math.min(n, images.rows());
        Set<Integer> picked = new LinkedHashSet<>();
        if (images.hasLabels()) {
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < images.rows() && picked.size() < want; i++) {
                if (seen.add(images.label(i))) {
                    picked.add(i);
                }
            }
        }
        for (int i = 0; i < images.rows() && picked.size() < want; i++) {
            picked.add(i);
        }
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Draws the completions of rows {@code rows} of {@code images} (raw IDX images) as a PNG.
     *
     * @param baseline the deterministic baseline for the third column, or null to leave it out
     * @return the number of columns drawn
     */
    public static int write(Path out, ConditionalVae cvae, ConditionalVae baseline, Table images, int[] rows,
            int samples, long seed) throws IOException {
        QuadrantTask task = cvae.task();
        if (task == null) {
            throw new BottleneckException("the model was trained on plain (x, y) rows, not on an image task, so its"
                    + " completions cannot be drawn");
        }
        if (baseline != null && !task.equals(baseline.task())) {
            throw new BottleneckException("the baseline was trained on another task (" + baseline.task()
                    + ") than the CVAE (" + task + ")");
        }
        if (rows.length == 0) {
            throw new BottleneckException("no rows to complete");
        }
        Table pairs = task.pairs(images.select(rows));
        int dx = task.inputWidth();
        float[][] x = new float[rows.length][];
        float[][] y = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] r = pairs.row(i);
            x[i] = Arrays.copyOfRange(r, 0, dx);
            y[i] = Arrays.copyOfRange(r, dx, r.length);
        }
        float[][][] cv = complete(cvae, x, samples, seed);
        float[][][] base = baseline == null ? null : complete(baseline, x, 1, seed);
        List<float[]> tiles = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            tiles.add(task.givenOnly(x[i], UNKNOWN));
            tiles.add(task.compose(x[i], y[i]));
            if (base != null) {
                tiles.add(task.compose(x[i], base[i][0]));
            }
            for (float[] c : cv[i]) {
                tiles.add(task.compose(x[i], c));
            }
        }
        int columns = 2 + (base != null ? 1 : 0) + cv[0].length;
        ImageGrid.write(out, tiles.toArray(new float[0][]), task.channels(), task.height(), task.width(), columns);
        return columns;
    }
}

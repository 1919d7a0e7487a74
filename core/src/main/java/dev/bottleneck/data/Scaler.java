package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-column scaling fitted on training data, saved with a model so that scoring data is
 * transformed exactly as the training data was.
 *
 * <p>Every kind is the same affine map {@code x' = (x - center) / scale}, which keeps the saved
 * form trivial for other languages: config.json holds
 * {@code {"kind": "standard", "center": [...], "scale": [...], "fill": [...]}}, and a Python user
 * reproduces it with {@code x = np.where(np.isnan(x), fill, x); x = (x - center) / scale}.
 * <ul>
 *   <li>{@link ScalerKind#STANDARD}: center = mean, scale = population standard deviation;</li>
 *   <li>{@link ScalerKind#MINMAX}: center = min, scale = max - min, so training data lies in [0, 1];</li>
 *   <li>{@link ScalerKind#NONE}: center = 0, scale = 1.</li>
 * </ul>
 * Statistics ignore NaN cells (the cells {@link ImputePolicy#MEAN} left missing). Before scaling,
 * NaN cells are replaced by {@code fill}, the training mean of their column, so data is imputed
 * with training statistics and never with those of the batch being scored; for STANDARD the
 * fill is the center, so a missing cell becomes exactly 0. A column with a single distinct value
 * gets scale 1 and a column with no values at all gets center 0, scale 1, fill 0, so a
 * transform never divides by zero or produces NaN.
 */
public final class Scaler {
    private final ScalerKind kind;
    private final double[] center;
    private final double[] scale;
    private final double[] fill;

    private Scaler(ScalerKind kind, double[] center, double[] scale, double[] fill) {
        this.kind = kind;
        this.center = center;
        this.scale = scale;
        this.fill = fill;
    }

    /**
     * Computes the per-column statistics of {@code table}, ignoring NaN cells.
     *
     * @throws BottleneckException when the table has no rows
     */
    public static Scaler fit(ScalerKind kind, Table table) {
        Objects.requireNonNull(kind, "kind");
        int rows = table.rows();
        int cols = table.cols();
        if (rows == 0) {
            throw new BottleneckException(table.source() + " has no rows, so a scaler cannot be fitted on it"
                    + " (expected at least one row of training data)");
        }
        ColumnStats stats = new ColumnStats(cols).addRows(table.rawValues(), rows);
        if (kind == ScalerKind.STANDARD) {
            stats.addSquares(table.rawValues(), rows, stats.mean());
        }
        return fromStats(kind, stats);
    }

    /**
     * The scaler of merged statistics: both passes for STANDARD, pass one for the other kinds.
     * {@link #fit} is this on one table's statistics; distributed training merges the parts first.
     */
    public static Scaler fromStats(ScalerKind kind, ColumnStats stats) {
        Objects.requireNonNull(kind, "kind");
        int cols = stats.cols();
        long[] n = stats.n();
        float[] min = stats.min();
        float[] max = stats.max();
        double[] sq = stats.squares();
        double[] mean = stats.mean();
        double[] center = new double[cols];
        double[] scale = new double[cols];
        for (int c = 0; c < cols; c++) {
            boolean empty = n[c] == 0;
            boolean constant = empty || min[c] == max[c];
            switch (kind) {
                case STANDARD:
                    center[c] = mean[c];
                    scale[c] = constant ? 1 : Math.sqrt(sq[c] / n[c]);
                    break;
                case MINMAX:
                    center[c] = empty ? 0 : min[c];
                    scale[c] = constant ? 1 : (double) max[c] - (double) min[c];
                    break;
                default:
                    center[c] = 0;
                    scale[c] = 1;
            }
            if (!(scale[c] > 0) || Double.isInfinite(scale[c])) {
                scale[c] = 1;
            }
        }
        return new Scaler(kind, center, scale, mean);
    }

    /** The identity scaler for {@code cols} columns (NaN cells are filled with 0). */
    public static Scaler identity(int cols) {
        double[] zero = new double[cols];
        double[] one = new double[cols];
        Arrays.fill(one, 1);
        return new Scaler(ScalerKind.NONE, zero, one, zero.clone());
    }

    /** How columns are scaled. */
    public ScalerKind kind() {
        return kind;
    }

    /** Number of columns the scaler was fitted on. */
    public int cols() {
        return center.length;
    }

    /** Per-column value subtracted before dividing by {@link #scale()} (copy). */
    public double[] center() {
        return center.clone();
    }

    /** Per-column divisor, always positive (copy). */
    public double[] scale() {
        return scale.clone();
    }

    /** Per-column training mean that replaces NaN cells before scaling (copy). */
    public double[] fill() {
        return fill.clone();
    }

    /**
     * Fills NaN cells with the training mean and scales every column.
     *
     * @throws BottleneckException when the table's width differs from the fitted width
     */
    public Table transform(Table table) {
        checkWidth(table.cols(), table.source());
        return table.withOwnedValues(transform(table.rawValues(), table.cols()));
    }

    /**
     * Like {@link #transform(Table)} for a bare row-major array; returns a new array.
     *
     * @throws BottleneckException when {@code cols} differs from the fitted width
     */
    public float[] transform(float[] rowMajor, int cols) {
        checkShape(rowMajor, cols);
        float[] out = new float[rowMajor.length];
        for (int base = 0; base < rowMajor.length; base += cols) {
            for (int c = 0; c < cols; c++) {
                float v = rowMajor[base + c];
                double x = Float.isNaN(v) ? fill[c] : v;
                out[base + c] = (float) ((x - center[c]) / scale[c]);
            }
        }
        return out;
    }

    /**
     * Maps scaled values back to the original units ({@code x * scale + center}); returns a new
     * array. Used to report reconstructions in the user's units.
     *
     * @throws BottleneckException when {@code cols} differs from the fitted width
     */
    public float[] inverseTransform(float[] rowMajor, int cols) {
        checkShape(rowMajor, cols);
        float[] out = new float[rowMajor.length];
        for (int base = 0; base < rowMajor.length; base += cols) {
            for (int c = 0; c < cols; c++) {
                out[base + c] = (float) (rowMajor[base + c] * scale[c] + center[c]);
            }
        }
        return out;
    }

    private void checkShape(float[] rowMajor, int cols) {
        checkWidth(cols, "the data");
        if (rowMajor.length % cols != 0) {
            throw new IllegalArgumentException("array of " + rowMajor.length + " values is not a whole number of rows of "
                    + cols + " columns");
        }
    }

    private void checkWidth(int cols, String what) {
        if (cols != center.length) {
            throw new BottleneckException(what + " has " + cols + " columns but the scaler was fitted on "
                    + center.length + " (expected data with the same columns as the training data)");
        }
    }

    /**
     * The JSON-ready form stored in config.json:
     * {@code {"kind": "standard", "center": [...], "scale": [...], "fill": [...]}} (lists of
     * doubles; Jackson or any JSON writer can serialise it as it is).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.id());
        m.put("center", toList(center));
        m.put("scale", toList(scale));
        m.put("fill", toList(fill));
        return m;
    }

    /**
     * Reads the form written by {@link #toJson()} (as parsed by Jackson into maps and lists).
     * {@code fill} may be absent, in which case missing cells are filled with {@code center}.
     *
     * @throws BottleneckException naming the field that is missing, of the wrong type or length,
     *                             not finite, or (for {@code scale}) not positive
     */
    public static Scaler fromJson(Map<String, Object> json) {
        if (json == null) {
            throw new BottleneckException("scaler settings are missing (expected {\"kind\", \"center\", \"scale\"})");
        }
        Object k = json.get("kind");
        if (!(k instanceof String)) {
            throw new BottleneckException("scaler field \"kind\" is " + describe(k)
                    + " (expected one of: \"none\", \"standard\", \"minmax\")");
        }
        ScalerKind kind = ScalerKind.parse((String) k);
        double[] center = numbers(json, "center", -1);
        double[] scale = numbers(json, "scale", center.length);
        double[] fill = json.containsKey("fill") ? numbers(json, "fill", center.length) : center.clone();
        for (int c = 0; c < scale.length; c++) {
            if (!(scale[c] > 0)) {
                throw new BottleneckException("scaler field \"scale\" has " + scale[c] + " at index " + c
                        + " (expected a positive number)");
            }
        }
        return new Scaler(kind, center, scale, fill);
    }

    private static double[] numbers(Map<String, Object> json, String field, int expectedLength) {
        Object o = json.get(field);
        List<?> list;
        if (o instanceof List) {
            list = (List<?>) o;
        } else if (o instanceof double[]) {
            double[] d = (double[]) o;
            List<Object> copy = new ArrayList<>(d.length);
            for (double x : d) {
                copy.add(x);
            }
            list = copy;
        } else {
            throw new BottleneckException("scaler field \"" + field + "\" is " + describe(o)
                    + " (expected a list of numbers, one per column)");
        }
        if (expectedLength >= 0 && list.size() != expectedLength) {
            throw new BottleneckException("scaler field \"" + field + "\" has " + list.size()
                    + " values but \"center\" has " + expectedLength + " (expected one per column)");
        }
        if (expectedLength < 0 && list.isEmpty()) {
            throw new BottleneckException("scaler field \"" + field + "\" is empty (expected one number per column)");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = list.get(i);
            if (!(x instanceof Number) || !Double.isFinite(((Number) x).doubleValue())) {
                throw new BottleneckException("scaler field \"" + field + "\" has " + describe(x) + " at index " + i
                        + " (expected a finite number)");
            }
            out[i] = ((Number) x).doubleValue();
        }
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "missing" : o instanceof String ? "\"" + o + "\"" : String.valueOf(o);
    }

    private static List<Double> toList(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double x : a) {
            l.add(x);
        }
        return l;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Scaler)) {
            return false;
        }
        Scaler s = (Scaler) o;
        return kind == s.kind && Arrays.equals(center, s.center) && Arrays.equals(scale, s.scale)
                && Arrays.equals(fill, s.fill);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(center), Arrays.hashCode(scale), Arrays.hashCode(fill));
    }

    @Override
    public String toString() {
        return "Scaler[" + kind.id() + ", " + center.length + " columns]";
    }
}

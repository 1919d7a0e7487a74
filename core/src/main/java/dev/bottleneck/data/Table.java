package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable table of 32-bit floats: the one in-memory form every data source becomes.
 *
 * <p>Values are kept row-major in a single {@code float[]} so that building a training batch is a
 * handful of {@link System#arraycopy} calls ({@link #copyRows}) and so that handing the data to
 * DJL needs no per-cell boxing. Anything that is not a feature travels beside the values rather
 * than in them: the labels (text of a label column, or IDX class digits) are kept out of the
 * features so a model can never train on the answer; the image shape lets convolutional models
 * and image plots know how to fold a row; the source path keeps provenance for messages and
 * saved models.
 *
 * <p>Immutability is why the public constructor and every accessor copy arrays: a table handed
 * to a model, a scaler and a split at once can never change under any of them.
 */
public final class Table {
    private final float[] values;
    private final int rows;
    private final int cols;
    private final List<String> columns;
    private final String[] labels;
    private final String labelColumn;
    private final int[] imageShape;
    private final String source;

    /**
     * Creates a table, copying {@code values}, {@code labels} and {@code imageShape}.
     *
     * @param values      row-major cells, {@code rows * cols} of them
     * @param rows        number of rows, 0 or more
     * @param cols        number of feature columns, 1 or more
     * @param columns     one unique, non-blank name per column
     * @param labels      one label per row, or {@code null} for an unlabelled table
     * @param labelColumn name of the column the labels came from, or {@code null}
     * @param imageShape  {@code {channels, height, width}} whose product is {@code cols}, or
     *                    {@code null} when rows are not images
     * @param source      where the data came from (a file path or a short description), or
     *                    {@code null}
     * @throws IllegalArgumentException when the arguments do not agree with each other
     */
    public Table(float[] values, int rows, int cols, List<String> columns, String[] labels,
                 String labelColumn, int[] imageShape, String source) {
        this(values == null ? null : values.clone(), rows, cols, columns,
                labels == null ? null : labels.clone(), labelColumn,
                imageShape == null ? null : imageShape.clone(), source, true);
    }

    /** Trusted constructor: takes ownership of the arrays (callers in this package made them). */
    private Table(float[] values, int rows, int cols, List<String> columns, String[] labels,
                  String labelColumn, int[] imageShape, String source, boolean owned) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be 0 or more, got " + rows);
        }
        if (cols < 1) {
            throw new IllegalArgumentException("cols must be 1 or more, got " + cols);
        }
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("values has " + values.length + " cells but rows * cols = "
                    + rows + " * " + cols + " = " + ((long) rows * cols));
        }
        if (columns == null || columns.size() != cols) {
            throw new IllegalArgumentException("columns must hold " + cols + " names, got "
                    + (columns == null ? "null" : columns.size()));
        }
        Set<String> seen = new HashSet<>();
        for (String c : columns) {
            if (c == null || c.isBlank()) {
                throw new IllegalArgumentException("column names must not be blank: " + columns);
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("column name \"" + c + "\" appears more than once");
            }
        }
        if (labels != null) {
            if (labels.length != rows) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries but the table has "
                        + rows + " rows");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == null) {
                    throw new IllegalArgumentException("label of row " + i + " is null");
                }
            }
        }
        if (imageShape != null) {
            if (imageShape.length != 3) {
                throw new IllegalArgumentException("imageShape must be {channels, height, width}, got "
                        + Arrays.toString(imageShape));
            }
            long product = 1;
            for (int d : imageShape) {
                if (d < 1) {
                    throw new IllegalArgumentException("imageShape dimensions must be 1 or more, got "
                            + Arrays.toString(imageShape));
                }
                product *= d;
            }
            if (product != cols) {
                throw new IllegalArgumentException("imageShape " + Arrays.toString(imageShape) + " holds "
                        + product + " values but the table has " + cols + " columns");
            }
        }
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
        this.labels = labels;
        this.labelColumn = labelColumn;
        this.imageShape = imageShape;
        this.source = source;
    }

    /** Package-private factory that takes ownership of the arrays, so readers avoid a second copy. */
    static Table owning(float[] values, int rows, int cols, List<String> columns, String[] labels,
                        String labelColumn, int[] imageShape, String source) {
        return new Table(values, rows, cols, columns, labels, labelColumn, imageShape, source, true);
    }

    /**
     * Builds an unlabelled table from Java arrays, one inner array per row, with columns named
     * {@code x0, x1, ...}: the convenient entry point for the Java API.
     *
     * @throws BottleneckException when there are no rows, a row is null or empty, or rows differ
     *                             in length
     */
    public static Table of(float[][] data) {
        if (data == null || data.length == 0) {
            throw new BottleneckException("Table.of needs at least one row (got "
                    + (data == null ? "null" : "an empty array") + ")");
        }
        if (data[0] == null || data[0].length == 0) {
            throw new BottleneckException("Table.of: row 0 has no values (expected at least one column)");
        }
        int cols = data[0].length;
        float[] values = new float[data.length * cols];
        for (int r = 0; r < data.length; r++) {
            if (data[r] == null || data[r].length != cols) {
                throw new BottleneckException("Table.of: row " + r + " has "
                        + (data[r] == null ? "no array" : data[r].length + " values")
                        + " but row 0 has " + cols + " (expected every row to have the same length)");
            }
            System.arraycopy(data[r], 0, values, r * cols, cols);
        }
        return owning(values, data.length, cols, defaultColumns("x", cols), null, null, null, "array");
    }

    /** Names {@code prefix0 .. prefix(n-1)}, used where a source has no header (arrays, IDX pixels). */
    static List<String> defaultColumns(String prefix, int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    /** Number of rows (samples). */
    public int rows() {
        return rows;
    }

    /** Number of feature columns (labels are not counted). */
    public int cols() {
        return cols;
    }

    /** Feature column names, in order; unmodifiable. */
    public List<String> columns() {
        return columns;
    }

    /** The cell at row {@code r}, column {@code c} (both 0-based). */
    public float get(int r, int c) {
        checkRow(r);
        if (c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("column " + c + " is outside 0.." + (cols - 1));
        }
        return values[r * cols + c];
    }

    /** A copy of row {@code r} (0-based). */
    public float[] row(int r) {
        checkRow(r);
        return Arrays.copyOfRange(values, r * cols, (r + 1) * cols);
    }

    /** A copy of all cells, row-major. */
    public float[] values() {
        return values.clone();
    }

    /** The backing array itself, for this package's read-only loops; never modify or hand it out. */
    float[] rawValues() {
        return values;
    }

    /**
     * Gathers rows {@code order[from] .. order[from + count - 1]} into {@code dst}, row-major,
     * starting at {@code dst[0]}. This is how the training loop builds a shuffled batch without
     * allocating: {@code dst} is reused for every batch and must hold at least
     * {@code count * cols()} floats.
     */
    public void copyRows(int[] order, int from, int count, float[] dst) {
        if (from < 0 || count < 0 || from + count > order.length) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + (from + count) + " are outside order[0.."
                    + order.length + ")");
        }
        if (dst.length < count * cols) {
            throw new IllegalArgumentException("dst holds " + dst.length + " floats but " + count + " rows of "
                    + cols + " need " + (count * cols));
        }
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            checkRow(r);
            System.arraycopy(values, r * cols, dst, i * cols, cols);
        }
    }

    /** A new table holding the given rows (0-based, in the given order, repeats allowed); labels follow. */
    public Table select(int[] rowIndices) {
        float[] out = new float[rowIndices.length * cols];
        String[] outLabels = labels == null ? null : new String[rowIndices.length];
        for (int i = 0; i < rowIndices.length; i++) {
            int r = rowIndices[i];
            checkRow(r);
            System.arraycopy(values, r * cols, out, i * cols, cols);
            if (outLabels != null) {
                outLabels[i] = labels[r];
            }
        }
        return owning(out, rowIndices.length, cols, columns, outLabels, labelColumn, imageShape, source);
    }

    /** A table with the same shape, names, labels, image shape and source but other values (copied). */
    public Table withValues(float[] newValues) {
        if (newValues == null || newValues.length != values.length) {
            throw new IllegalArgumentException("withValues needs " + values.length + " values (" + rows + " rows x "
                    + cols + " columns), got " + (newValues == null ? "null" : newValues.length));
        }
        return owning(newValues.clone(), rows, cols, columns, labels, labelColumn, imageShape, source);
    }

    /** Like {@link #withValues} but takes ownership of {@code newValues}; for this package's transforms. */
    Table withOwnedValues(float[] newValues) {
        return owning(newValues, rows, cols, columns, labels, labelColumn, imageShape, source);
    }

    /** Whether each row carries a label. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The labels, one per row, as an unmodifiable list; empty when {@link #hasLabels()} is false. */
    public List<String> labels() {
        return labels == null ? List.of() : Collections.unmodifiableList(Arrays.asList(labels));
    }

    /** The label of row {@code r}. */
    public String label(int r) {
        if (labels == null) {
            throw new IllegalStateException("this table has no labels");
        }
        checkRow(r);
        return labels[r];
    }

    /** Name of the column the labels came from ("label" for IDX label files), if any. */
    public Optional<String> labelColumn() {
        return Optional.ofNullable(labelColumn);
    }

    /** {@code {channels, height, width}} (a copy) when the rows are images. */
    public Optional<int[]> imageShape() {
        return imageShape == null ? Optional.empty() : Optional.of(imageShape.clone());
    }

    /** Where the data came from (a file path as the user gave it), or {@code "unknown"}. */
    public String source() {
        return source == null ? "unknown" : source;
    }

    private void checkRow(int r) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " is outside 0.." + (rows - 1));
        }
    }

    @Override
    public String toString() {
        return "Table[" + rows + " x " + cols + (labels != null ? ", labelled" : "")
                + (imageShape != null ? ", images " + imageShape[0] + "x" + imageShape[1] + "x" + imageShape[2] : "")
                + ", source=" + source() + "]";
    }
}

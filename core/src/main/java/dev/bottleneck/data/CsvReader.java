package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a numeric CSV file (optionally gzip-compressed) with a header line into a {@link Table}.
 *
 * <p>Why a hand-written reader: the files are plain numbers, and what matters is that a bad file
 * fails with one sentence that names the file, the row as the user counts lines (the header is
 * row 1), the column and what was expected, and that a 100k-row file reads in well under a
 * second. There is no regex per cell; fields are split with {@code indexOf} and parsed with
 * {@link Float#parseFloat}.
 *
 * <p>Format accepted: a header line of unique, non-blank names; fields separated by the delimiter
 * (default {@code ','}); surrounding whitespace trimmed; double-quoted fields may hold the
 * delimiter, doubled quotes ({@code ""}) and line breaks (simple RFC 4180); {@code \n} or
 * {@code \r\n} line endings; a UTF-8 byte-order mark; blank lines (anywhere, including a trailing
 * one) are skipped. Every cell outside the label column must be a decimal number. Blank,
 * {@code NaN}/{@code NA}/{@code ?}/{@code null} and infinite cells are refused unless the impute
 * policy is {@link ImputePolicy#MEAN}, in which case they are stored as {@link Float#NaN} for the
 * {@link Scaler} to fill. The label column's values are kept as text, never as features.
 *
 * <pre>{@code
 * Table t = CsvReader.builder().setPath(Path.of("wdbc.csv.gz")).optLabelColumn("label").build().read();
 * }</pre>
 */
public final class CsvReader {
    private static final Set<String> MISSING = Set.of("nan", "+nan", "-nan", "na", "n/a", "null", "none", "?");
    private static final Set<String> INFINITE = Set.of("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity",
            "\u221e", "+\u221e", "-\u221e");
    private static final int MAX_LISTED_COLUMNS = 12;

    private final Path path;
    private final String labelColumn;
    private final ImputePolicy impute;
    private final char delimiter;

    private CsvReader(Builder b) {
        this.path = b.path;
        this.labelColumn = b.labelColumn;
        this.impute = b.impute;
        this.delimiter = b.delimiter;
    }

    /** Starts a reader: {@code setPath} is required, the rest optional. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the whole file.
     *
     * @throws BottleneckException with one sentence naming the file, row and column for any
     *                             problem with the file or its contents
     */
    public Table read() {
        String name = path.toString();
        try (InputStream in = FileInput.open(path, "a CSV file with a header line");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            return parse(reader, name);
        } catch (IOException e) {
            throw new BottleneckException(name + " could not be read: " + FileInput.describe(e), e);
        }
    }

    private Table parse(BufferedReader reader, String name) throws IOException {
        RecordReader records = new RecordReader(reader, name, delimiter);
        List<String> header = new ArrayList<>();
        if (!records.next(header)) {
            throw new BottleneckException(name + " is empty (expected a header line of column names followed by rows of numbers)");
        }
        int width = header.size();
        checkHeader(header, name);

        int labelIndex = -1;
        if (labelColumn != null) {
            labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                throw new BottleneckException(name + ": label column \"" + labelColumn + "\" is not in the header"
                        + suggestion(header) + " (the columns are: " + listColumns(header) + ")");
            }
        }
        int cols = labelIndex >= 0 ? width - 1 : width;
        if (cols == 0) {
            throw new BottleneckException(name + " has no feature columns besides the label column \"" + labelColumn
                    + "\" (expected at least one numeric column)");
        }
        List<String> columns = new ArrayList<>(header);
        if (labelIndex >= 0) {
            columns.remove(labelIndex);
        }

        float[] values = new float[Math.max(16, cols * 1024)];
        List<String> labels = labelIndex >= 0 ? new ArrayList<>() : null;
        int rows = 0;
        List<String> fields = new ArrayList<>(width);
        while (records.next(fields)) {
            int row = records.recordLine();
            if (fields.size() != width) {
                throw new BottleneckException(name + ", row " + row + ": found " + fields.size()
                        + (fields.size() == 1 ? " field" : " fields") + " but the header has " + width
                        + " columns (expected one value per header column, separated by '" + delimiter + "')");
            }
            long needed = (long) (rows + 1) * cols;
            if (needed > values.length) {
                if (needed > Integer.MAX_VALUE - 16) {
                    throw new BottleneckException(name + ", row " + row + ": the file holds more than "
                            + (Integer.MAX_VALUE - 16) + " cells (expected a smaller file; split it or sample rows)");
                }
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * values.length)));
            }
            int base = rows * cols;
            int c = 0;
            for (int f = 0; f < width; f++) {
                if (f == labelIndex) {
                    labels.add(fields.get(f));
                    continue;
                }
                values[base + c] = parseCell(fields.get(f), name, row, header.get(f));
                c++;
            }
            rows++;
        }
        if (rows == 0) {
            throw new BottleneckException(name + " has a header but no data rows (expected at least one row of numbers below the header)");
        }
        float[] exact = values.length == rows * cols ? values : Arrays.copyOf(values, rows * cols);
        return Table.owning(exact, rows, cols, columns, labels == null ? null : labels.toArray(new String[0]),
                labelIndex >= 0 ? labelColumn : null, null, name);
    }

    private void checkHeader(List<String> header, String name) {
        if (header.size() == 1 && delimiter != ';' && delimiter != '\t') {
            String only = header.get(0);
            char guess = only.indexOf(';') >= 0 ? ';' : only.indexOf('\t') >= 0 ? '\t' : 0;
            if (guess != 0) {
                throw new BottleneckException(name + ", row 1: the header is a single column \"" + only
                        + "\" (expected names separated by '" + delimiter + "'; the file looks "
                        + (guess == '\t' ? "tab" : "'" + guess + "'") + "-separated, so set that delimiter)");
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            if (h.isEmpty()) {
                throw new BottleneckException(name + ", row 1: column " + (i + 1) + " of the header has a blank name"
                        + " (expected a unique, non-blank name for every column)");
            }
            Integer before = seen.putIfAbsent(h, i);
            if (before != null) {
                throw new BottleneckException(name + ", row 1: the column name \"" + h + "\" is used by both column "
                        + (before + 1) + " and column " + (i + 1) + " (expected unique column names)");
            }
        }
    }

    private String suggestion(List<String> header) {
        for (String h : header) {
            if (h.equalsIgnoreCase(labelColumn.trim())) {
                return " (did you mean \"" + h + "\"?)";
            }
        }
        return "";
    }

    private static String listColumns(List<String> header) {
        if (header.size() <= MAX_LISTED_COLUMNS) {
            return String.join(", ", header);
        }
        return String.join(", ", header.subList(0, MAX_LISTED_COLUMNS - 2)) + ", ... "
                + (header.size() - MAX_LISTED_COLUMNS) + " more ..., " + header.get(header.size() - 2) + ", "
                + header.get(header.size() - 1);
    }

    /** Parses one trimmed cell; blank, NaN-like and infinite cells become NaN only under MEAN. */
    private float parseCell(String s, String name, int row, String column) {
        if (!s.isEmpty()) {
            char first = s.charAt(0);
            char last = s.charAt(s.length() - 1);
            boolean numericShape = (isDigit(first) || first == '-' || first == '+' || first == '.')
                    && (isDigit(last) || last == '.');
            if (numericShape) {
                try {
                    float v = Float.parseFloat(s);
                    if (Float.isInfinite(v)) {
                        throw new BottleneckException(where(name, row, column) + "\"" + s
                                + "\" is too large for a 32-bit float (expected a magnitude below 3.4e38)");
                    }
                    return v;
                } catch (NumberFormatException e) {
                    // falls through to the messages below
                }
            }
        }
        String lower = s.toLowerCase(Locale.ROOT);
        boolean missing = s.isEmpty() || MISSING.contains(lower);
        boolean infinite = INFINITE.contains(lower);
        if (missing || infinite) {
            if (impute == ImputePolicy.MEAN) {
                return Float.NaN;
            }
            String what = s.isEmpty() ? "the cell is blank" : "\"" + s + "\" is "
                    + (infinite ? "infinite" : "a missing value");
            throw new BottleneckException(where(name, row, column) + what
                    + " (expected a finite number; use --impute mean to fill blank, NaN and infinite cells with the column mean)");
        }
        String hint = delimiter != ',' && s.indexOf(',') >= 0 && s.indexOf('.') < 0
                ? "use '.' as the decimal point"
                : "if this column holds text, make it the label column or remove it";
        throw new BottleneckException(where(name, row, column) + "\"" + abbreviate(s)
                + "\" is not a number (expected a decimal number such as 3.14; " + hint + ")");
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    private static String where(String name, int row, String column) {
        return name + ", row " + row + ", column \"" + column + "\": ";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * Splits the input into records of trimmed fields, tracking the 1-based line on which each
     * record starts (a quoted field may span lines).
     */
    private static final class RecordReader {
        private final BufferedReader reader;
        private final String name;
        private final char delimiter;
        private final StringBuilder field = new StringBuilder();
        private int line;
        private int recordLine;

        RecordReader(BufferedReader reader, String name, char delimiter) {
            this.reader = reader;
            this.name = name;
            this.delimiter = delimiter;
        }

        int recordLine() {
            return recordLine;
        }

        /** Reads the next non-blank record into {@code out}; false at end of input. */
        boolean next(List<String> out) throws IOException {
            out.clear();
            String text;
            do {
                text = reader.readLine();
                if (text == null) {
                    return false;
                }
                line++;
                if (line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
                    text = text.substring(1);
                }
            } while (text.isBlank());
            recordLine = line;
            if (text.indexOf('"') < 0) {
                int start = 0;
                while (true) {
                    int at = text.indexOf(delimiter, start);
                    if (at < 0) {
                        out.add(text.substring(start).trim());
                        return true;
                    }
                    out.add(text.substring(start, at).trim());
                    start = at + 1;
                }
            }
            splitQuoted(text, out);
            return true;
        }

        private void splitQuoted(String text, List<String> out) throws IOException {
            field.setLength(0);
            boolean quoted = false;     // inside a quoted section
            boolean wasQuoted = false;  // this field had a quoted section: keep its inner spaces
            int i = 0;
            while (true) {
                if (i >= text.length()) {
                    if (!quoted) {
                        out.add(finish(wasQuoted));
                        return;
                    }
                    String more = reader.readLine();
                    if (more == null) {
                        throw new BottleneckException(name + ", row " + recordLine
                                + ": a quoted field opened on this row is never closed (expected a closing '\"')");
                    }
                    line++;
                    field.append('\n');
                    text = more;
                    i = 0;
                    continue;
                }
                char ch = text.charAt(i++);
                if (quoted) {
                    if (ch == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        field.append(ch);
                    }
                } else if (ch == delimiter) {
                    out.add(finish(wasQuoted));
                    wasQuoted = false;
                } else if (ch == '"' && (field.length() == 0 || field.toString().isBlank())) {
                    field.setLength(0);
                    quoted = true;
                    wasQuoted = true;
                } else if (!(wasQuoted && Character.isWhitespace(ch))) {
                    field.append(ch);
                }
            }
        }

        private String finish(boolean wasQuoted) {
            String s = wasQuoted ? field.toString() : field.toString().trim();
            field.setLength(0);
            return s;
        }
    }

    /**
     * Settings for a {@link CsvReader}: {@code set*} is required, {@code opt*} optional, checked
     * at {@link #build()}.
     */
    public static final class Builder {
        private Path path;
        private String labelColumn;
        private ImputePolicy impute = ImputePolicy.REJECT;
        private char delimiter = ',';

        private Builder() {
        }

        /** The CSV file to read; {@code .gz} (by magic bytes) is decompressed. Required. */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /** A column whose values are kept as text labels, out of the features; {@code null} for none. */
        public Builder optLabelColumn(String labelColumn) {
            this.labelColumn = labelColumn == null || labelColumn.isBlank() ? null : labelColumn.trim();
            return this;
        }

        /** What to do with blank, NaN and infinite cells; default {@link ImputePolicy#REJECT}. */
        public Builder optImpute(ImputePolicy impute) {
            this.impute = impute;
            return this;
        }

        /** The field separator; default {@code ','}. */
        public Builder optDelimiter(char delimiter) {
            this.delimiter = delimiter;
            return this;
        }

        /**
         * Checks the settings and makes the reader.
         *
         * @throws BottleneckException naming the setting that is missing or not allowed
         */
        public CsvReader build() {
            if (path == null) {
                throw new BottleneckException("CsvReader: path is not set (expected setPath with the CSV file to read)");
            }
            if (impute == null) {
                throw new BottleneckException("CsvReader: impute is null (expected ImputePolicy.REJECT or ImputePolicy.MEAN)");
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-'
                    || delimiter == '+' || Character.isDigit(delimiter) || Character.isLetter(delimiter)) {
                throw new BottleneckException("CsvReader: delimiter '" + delimiter + "' cannot separate numbers "
                        + "(expected a character such as ',', ';', '|' or a tab)");
            }
            return new CsvReader(this);
        }
    }
}

package dev.bottleneck.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The body of an encode / reconstruct / score / detect call: {@code {"rows": [[…], …]}} for a
 * batch or {@code {"row": […]}} for one row, plus an optional {@code "threshold"} for detect.
 * Everything is checked before the model sees it, each problem named in one sentence: the body
 * size, JSON syntax, unknown or duplicate keys, empty or oversized batches, row widths, and every
 * cell (a finite number). The body is parsed as a JSON tree only; no Java deserialization.
 *
 * @param values the rows, each as wide as the model's input
 * @param single whether the body had {@code "row"} (the answer then holds one value, not a list)
 * @param threshold a threshold given in the body, or null
 */
record RowsRequest(float[][] values, boolean single, Double threshold) {
    private static final ObjectReader READER = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> KEYS = Set.of("rows", "row", "threshold");

    /** The rows as a table for the model's table methods. */
    Table table() {
        return Table.of(values);
    }

    /**
     * Reads at most {@code maxBytes} of a body; a longer body is refused with 413 without being
     * read further, whatever its Content-Length header claims.
     */
    static byte[] readBody(InputStream in, long declaredLength, long maxBytes) throws IOException {
        if (declaredLength > maxBytes) {
            throw tooLarge(maxBytes);
        }
        byte[] buf = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (buf.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return buf;
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "the request body is larger than the server's limit of " + maxBytes
                + " bytes; send fewer rows per request");
    }

    /** Parses and checks a body for a model with {@code columns} inputs, accepting at most {@code maxRows} rows. */
    static RowsRequest parse(byte[] body, List<String> columns, int maxRows) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send JSON such as {\"rows\": [[1.0, 2.0, …]]}");
        }
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw ApiException.badRequest("the request body is not valid JSON: " + firstLine(e.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object with \"rows\" (a list of rows) or \"row\" (one row)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw ApiException.badRequest("unknown field \"" + ModelNames.shorten(k)
                        + "\" in the request body (expected \"rows\" or \"row\", and optionally \"threshold\")");
            }
        }
        JsonNode rows = root.get("rows");
        JsonNode row = root.get("row");
        if ((rows == null) == (row == null)) {
            throw ApiException.badRequest("the request body must have exactly one of \"rows\" (a list of rows) or \"row\" (one row)");
        }
        Double threshold = null;
        JsonNode t = root.get("threshold");
        if (t != null) {
            if (!t.isNumber() || !Double.isFinite(t.asDouble())) {
                throw ApiException.badRequest("\"threshold\" must be a finite number, got " + describe(t));
            }
            threshold = t.asDouble();
        }
        if (row != null) {
            return new RowsRequest(new float[][] {parseRow(row, 0, columns, "\"row\"")}, true, threshold);
        }
        if (!rows.isArray()) {
            throw ApiException.badRequest("\"rows\" must be a list of rows (a list of lists of numbers), got " + describe(rows));
        }
        if (rows.isEmpty()) {
            throw ApiException.badRequest("\"rows\" is empty; send at least one row");
        }
        if (rows.size() > maxRows) {
            throw new ApiException(413, "\"rows\" has " + rows.size() + " rows but the server accepts at most " + maxRows
                    + " per request; split the batch");
        }
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = parseRow(rows.get(i), i, columns, "row " + i);
        }
        return new RowsRequest(out, false, threshold);
    }

    private static float[] parseRow(JsonNode row, int index, List<String> columns, String where) {
        if (!row.isArray()) {
            throw ApiException.badRequest(where + " must be a list of numbers, got " + describe(row));
        }
        int d = columns.size();
        if (row.size() != d) {
            throw ApiException.badRequest(where + " has " + row.size() + " values but the model expects " + d
                    + " (" + columnRange(columns) + ")");
        }
        float[] v = new float[d];
        for (int c = 0; c < d; c++) {
            JsonNode cell = row.get(c);
            if (!cell.isNumber()) {
                throw ApiException.badRequest(where + ", column " + c + " (" + columns.get(c) + ") is " + describe(cell)
                        + "; expected a finite number");
            }
            double x = cell.asDouble();
            float f = (float) x;
            if (!Double.isFinite(x) || Float.isInfinite(f)) {
                throw ApiException.badRequest(where + ", column " + c + " (" + columns.get(c) + ") is " + cell.asText()
                        + ", which is outside the range of a 32-bit float; expected a finite number");
            }
            v[c] = f;
        }
        return v;
    }

    private static String columnRange(List<String> c) {
        return c.size() <= 4 ? String.join(", ", c) : c.get(0) + " … " + c.get(c.size() - 1);
    }

    private static String describe(JsonNode n) {
        if (n.isNull()) {
            return "null";
        }
        if (n.isTextual()) {
            return "the text \"" + ModelNames.shorten(n.asText()) + "\"";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isBoolean()) {
            return n.asText();
        }
        return ModelNames.shorten(n.toString());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return ModelNames.shorten(i < 0 ? s : s.substring(0, i));
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.io.AtomicFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes result rows as CSV: to a file (atomically: a temp name, then renamed) or to standard
 * output. The label column of the input, when there is one, is carried as the last column.
 */
final class CsvOutput {
    private CsvOutput() {}

    static void write(Path out, List<String> header, float[][] rows, Table source) {
        write(out, header, rows.length, (i, sb) -> {
            float[] r = rows[i];
            for (int j = 0; j < r.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                sb.append(r[j]);
            }
        }, source);
    }

    /** Scores, and optionally one more column (a detector's 0/1 prediction, say) after them. */
    static void writeScores(Path out, double[] scores, Table source, String extraName, String[] extra) {
        List<String> header = extra == null ? List.of("score") : List.of("score", extraName);
        write(out, header, scores.length, (i, sb) -> {
            sb.append(scores[i]);
            if (extra != null) {
                sb.append(',').append(extra[i]);
            }
        }, source);
    }

    interface RowWriter {
        void write(int row, StringBuilder sb);
    }

    /** Rows written by {@code rw}, the input's label column last. */
    static void write(Path out, List<String> header, int n, RowWriter rw, Table source) {
        boolean label = source.hasLabels();
        AtomicFiles.Writer w = stream -> {
            PrintStream ps = new PrintStream(stream, false, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder(String.join(",", header));
            if (label) {
                // the input's label column keeps its name unless an output column has it already
                String name = source.labelColumn().orElse("label");
                sb.append(',').append(quote(header.contains(name) ? "true_" + name : name));
            }
            ps.println(sb);
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                rw.write(i, sb);
                if (label) {
                    sb.append(',').append(quote(source.label(i)));
                }
                ps.println(sb);
            }
            ps.flush();
        };
        if (out == null) {
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                w.write(buf);
                OutputStream so = System.out;
                so.write(buf.toByteArray());
                so.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            AtomicFiles.write(out, w);
        }
    }

    static String quote(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}

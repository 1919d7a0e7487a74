package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static Table read(Path p) {
        return CsvReader.builder().setPath(p).build().read();
    }

    private static Table read(Path p, String label, ImputePolicy impute) {
        return CsvReader.builder().setPath(p).optLabelColumn(label).optImpute(impute).build().read();
    }

    private static String failure(Path p) {
        return assertThrows(BottleneckException.class, () -> read(p)).getMessage();
    }

    // ---- the shipped datasets -------------------------------------------------------------

    @Test
    void readsShippedWdbcWithLabelsKeptOutOfFeatures() throws IOException {
        Path wdbc = TestData.datasets().resolve("wdbc/wdbc.csv.gz");
        Table t = read(wdbc, "label", ImputePolicy.REJECT);
        int dataLines = TestData.countLines(wdbc) - 1;
        assertEquals(dataLines, t.rows());
        assertEquals(30, t.cols());
        assertFalse(t.columns().contains("label"));
        assertEquals("x0", t.columns().get(0));
        assertEquals("x29", t.columns().get(29));
        assertEquals("label", t.labelColumn().orElseThrow());
        assertEquals(t.rows(), t.labels().size());
        assertTrue(t.labels().stream().allMatch(l -> l.equals("0") || l.equals("1")));
        assertTrue(t.labels().contains("1") && t.labels().contains("0"));

        // Cross-check the first and last data rows against an independent split of the raw text.
        List<String> lines;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(wdbc)), StandardCharsets.UTF_8))) {
            lines = r.lines().filter(l -> !l.isEmpty()).toList();
        }
        for (int row : new int[] {0, t.rows() - 1}) {
            String[] cells = lines.get(row + 1).split(",");
            assertEquals(31, cells.length);
            for (int c = 0; c < 30; c++) {
                assertEquals(Float.parseFloat(cells[c]), t.get(row, c), "row " + row + " col " + c);
            }
            assertEquals(cells[30], t.label(row));
        }
        assertTrue(t.source().endsWith("wdbc.csv.gz"));
    }

    @Test
    void readsShippedLandsatWithTextLabels() throws IOException {
        Path landsat = TestData.datasets().resolve("statlog-landsat/statlog-landsat.csv.gz");
        Table t = read(landsat, "class", ImputePolicy.REJECT);
        assertEquals(TestData.countLines(landsat) - 1, t.rows());
        assertEquals(36, t.cols());
        assertTrue(t.labels().contains("grey soil"));
        assertTrue(t.labels().contains("very damp grey soil"));
        assertEquals(6, t.labels().stream().distinct().count());
    }

    @Test
    void readsEveryShippedAdbenchFileWithItsLabel() throws IOException {
        try (var files = Files.list(TestData.datasets().resolve("adbench"))) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".csv.gz")).sorted().toList();
            assertEquals(29, all.size());
            for (Path p : all) {
                if (Files.size(p) > 200_000) {
                    continue; // the big ones take seconds each; the format is the same
                }
                Table t = read(p, "label", ImputePolicy.REJECT);
                assertTrue(t.rows() > 50 && t.cols() >= 3, p.toString());
                assertTrue(t.labels().stream().allMatch(l -> l.equals("0") || l.equals("1")), p.toString());
            }
        }
    }

    // ---- format details -------------------------------------------------------------------

    @Test
    void acceptsCrlfQuotesWhitespaceBomAndTrailingEmptyLine() throws IOException {
        Path p = write("ok.csv", "\uFEFF a , \"b,c\" ,label\r\n 1.5 , \"2\" ,\"grey, soil\"\r\n-3e2,.25,\"say \"\"hi\"\"\"\r\n\r\n");
        Table t = read(p, "label", ImputePolicy.REJECT);
        assertEquals(List.of("a", "b,c"), t.columns());
        assertEquals(2, t.rows());
        assertArrayEquals(new float[] {1.5f, 2f}, t.row(0));
        assertArrayEquals(new float[] {-300f, 0.25f}, t.row(1));
        assertEquals(List.of("grey, soil", "say \"hi\""), t.labels());
    }

    @Test
    void quotedFieldMaySpanLinesAndRowNumbersStayPhysical() throws IOException {
        Path p = write("multi.csv", "a,label\n1,\"two\nlines\"\n\n2,x\n3,y,z\n");
        BottleneckException e = assertThrows(BottleneckException.class, () -> read(p, "label", ImputePolicy.REJECT));
        // Lines: 1 header, 2-3 the quoted record, 4 blank, 5 "2,x", 6 the ragged one.
        assertTrue(e.getMessage().contains("row 6"), e.getMessage());
        Path ok = write("multi-ok.csv", "a,label\n1,\"two\nlines\"\n2,x\n");
        assertEquals(List.of("two\nlines", "x"), read(ok, "label", ImputePolicy.REJECT).labels());
    }

    @Test
    void otherDelimiter() throws IOException {
        Path p = write("semi.csv", "a;b\n1;2\n");
        assertArrayEquals(new float[] {1, 2},
                CsvReader.builder().setPath(p).optDelimiter(';').build().read().row(0));
        String msg = failure(p);
        assertTrue(msg.contains("';'-separated"), msg);
    }

    @Test
    void gzipIsRecognisedByMagicBytesNotName() throws IOException {
        Path p = dir.resolve("packed.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write("a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8));
        }
        Table t = read(p);
        assertEquals(2, t.rows());
        assertEquals(4f, t.get(1, 1));
    }

    @Test
    void readsALargeFileExactly() throws IOException {
        Path p = dir.resolve("big.csv");
        Random random = new Random(1);
        StringBuilder sb = new StringBuilder(100_000 * 30 * 10);
        for (int c = 0; c < 30; c++) {
            sb.append(c == 0 ? "" : ",").append("f").append(c);
        }
        sb.append('\n');
        for (int r = 0; r < 100_000; r++) {
            for (int c = 0; c < 30; c++) {
                if (c > 0) {
                    sb.append(',');
                }
                sb.append((float) random.nextGaussian());
            }
            sb.append('\n');
        }
        Files.writeString(p, sb);
        // speed belongs to the benchmarks; here: every value of a large file arrives, in order
        Table t = read(p);
        assertEquals(100_000, t.rows());
        assertEquals(30, t.cols());
        Random again = new Random(1);
        float[] v = t.values();
        for (int i = 0; i < v.length; i++) {
            float expected = (float) again.nextGaussian();
            assertEquals(expected, v[i], Math.ulp(expected));
        }
    }

    // ---- bad input: one sentence naming file, row, column ----------------------------------

    @Test
    void missingFile() {
        String msg = failure(dir.resolve("nope.csv"));
        assertTrue(msg.contains("nope.csv") && msg.contains("does not exist"), msg);
    }

    @Test
    void directory() {
        String msg = failure(dir);
        assertTrue(msg.contains("is a directory"), msg);
    }

    @Test
    void emptyFile() throws IOException {
        String msg = failure(write("empty.csv", ""));
        assertTrue(msg.contains("empty.csv is empty"), msg);
        assertTrue(failure(write("blank.csv", "\n  \n")).contains("is empty"));
    }

    @Test
    void headerOnly() throws IOException {
        String msg = failure(write("head.csv", "a,b,c\n"));
        assertTrue(msg.contains("head.csv has a header but no data rows"), msg);
    }

    @Test
    void raggedRowNamesRowAndCounts() throws IOException {
        String msg = failure(write("ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8\n"));
        assertTrue(msg.contains("ragged.csv, row 4"), msg);
        assertTrue(msg.contains("found 2 fields") && msg.contains("header has 3 columns"), msg);
    }

    @Test
    void nonNumericCellNamesRowColumnAndValue() throws IOException {
        String msg = failure(write("bad.csv", "x1,x2,x3\n1,2,3\n4,5,abc\n"));
        assertTrue(msg.startsWith("" + dir.resolve("bad.csv") + ", row 3, column \"x3\": \"abc\" is not a number"), msg);
        assertEquals(1, msg.split("\\. ").length, "one sentence: " + msg);
        // Float.parseFloat would accept these; a data file should not.
        assertTrue(failure(write("suffix.csv", "a\n1f\n")).contains("\"1f\" is not a number"));
        assertTrue(failure(write("overflow.csv", "a\n1e40\n")).contains("too large"));
    }

    @Test
    void nanInfinityAndBlankAreRejectedByDefault() throws IOException {
        String nan = failure(write("nan.csv", "a,b\n1,2\n3,NaN\n"));
        assertTrue(nan.contains("row 3, column \"b\"") && nan.contains("--impute mean"), nan);
        String inf = failure(write("inf.csv", "a,b\n1,2\n-Infinity,4\n"));
        assertTrue(inf.contains("row 3, column \"a\"") && inf.contains("infinite"), inf);
        String blank = failure(write("blank-cell.csv", "a,b\n1,\n"));
        assertTrue(blank.contains("row 2, column \"b\": the cell is blank"), blank);
        String na = failure(write("na.csv", "a,b\n1,NA\n"));
        assertTrue(na.contains("\"NA\" is a missing value"), na);
    }

    @Test
    void imputeMeanStoresMissingAndInfiniteAsNaN() throws IOException {
        Path p = write("holes.csv", "a,b,c\n1,,inf\nNaN,2,3\n");
        Table t = read(p, null, ImputePolicy.MEAN);
        assertTrue(Float.isNaN(t.get(0, 1)));
        assertTrue(Float.isNaN(t.get(0, 2)));
        assertTrue(Float.isNaN(t.get(1, 0)));
        assertEquals(1f, t.get(0, 0));
        // Non-numbers are still errors under MEAN: imputing would hide a wrong column.
        Path bad = write("text.csv", "a\nhello\n");
        assertThrows(BottleneckException.class, () -> read(bad, null, ImputePolicy.MEAN));
    }

    @Test
    void imputedCellsAreFilledWithTheTrainingMeanByTheScaler() throws IOException {
        Path train = write("train.csv", "a,b\n1,10\n3,NaN\n5,30\n");
        Table t = read(train, null, ImputePolicy.MEAN);
        Scaler none = Scaler.fit(ScalerKind.NONE, t);
        assertEquals(20f, none.transform(t).get(1, 1), 1e-6);
        Scaler standard = Scaler.fit(ScalerKind.STANDARD, t);
        assertEquals(0f, standard.transform(t).get(1, 1), 1e-6);
        // Scoring data is filled with the training mean, not its own.
        Path score = write("score.csv", "a,b\n1,NaN\n1,100\n");
        assertEquals(20f, none.transform(read(score, null, ImputePolicy.MEAN)).get(0, 1), 1e-6);
    }

    @Test
    void unknownLabelColumnListsTheColumns() throws IOException {
        Path p = write("lab.csv", "a,b,Label\n1,2,x\n");
        BottleneckException e = assertThrows(BottleneckException.class, () -> read(p, "label", ImputePolicy.REJECT));
        assertTrue(e.getMessage().contains("label column \"label\" is not in the header"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean \"Label\"") && e.getMessage().contains("a, b, Label"),
                e.getMessage());
    }

    @Test
    void duplicateAndBlankColumnNames() throws IOException {
        String dup = failure(write("dup.csv", "a,b,a\n1,2,3\n"));
        assertTrue(dup.contains("\"a\" is used by both column 1 and column 3"), dup);
        String blank = failure(write("blankname.csv", "a,,c\n1,2,3\n"));
        assertTrue(blank.contains("column 2 of the header has a blank name"), blank);
    }

    @Test
    void labelColumnAloneLeavesNoFeatures() throws IOException {
        Path p = write("only.csv", "label\nx\n");
        BottleneckException e = assertThrows(BottleneckException.class, () -> read(p, "label", ImputePolicy.REJECT));
        assertTrue(e.getMessage().contains("no feature columns"), e.getMessage());
    }

    @Test
    void fakeAndTruncatedGzip() throws IOException {
        String fake = failure(write("fake.csv.gz", "a\n1\n"));
        assertTrue(fake.contains("is not gzip data"), fake);

        ByteArrayOutputStreamSink sink = new ByteArrayOutputStreamSink();
        try (OutputStream out = new GZIPOutputStream(sink)) {
            StringBuilder sb = new StringBuilder("a,b\n");
            for (int i = 0; i < 20000; i++) {
                sb.append(i).append(',').append(i * 0.5).append('\n');
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] all = sink.toByteArray();
        Path cut = dir.resolve("cut.csv.gz");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        String msg = failure(cut);
        assertTrue(msg.contains("cut.csv.gz") && msg.contains("truncated"), msg);
    }

    @Test
    void builderValidates() {
        assertThrows(BottleneckException.class, () -> CsvReader.builder().build());
        assertThrows(BottleneckException.class,
                () -> CsvReader.builder().setPath(Path.of("x.csv")).optDelimiter('"').build());
        assertEquals(ImputePolicy.MEAN, ImputePolicy.parse("Mean"));
        assertThrows(BottleneckException.class, () -> ImputePolicy.parse("median"));
    }

    /** A ByteArrayOutputStream under a name that keeps the imports short. */
    private static final class ByteArrayOutputStreamSink extends java.io.ByteArrayOutputStream {
    }
}

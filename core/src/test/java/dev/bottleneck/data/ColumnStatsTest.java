package dev.bottleneck.data;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColumnStatsTest {
    private static Table wdbc() {
        return CsvReader.builder().setPath(TestData.datasets().resolve("wdbc/wdbc.csv.gz"))
                .optLabelColumn("label").build().read();
    }

    /** What a distributed fit does: statistics of parts, merged, give the scaler of the whole table. */
    @Test
    void mergedPartsGiveTheScalerOfTheWholeTable() {
        Table t = wdbc();
        Table a = t.select(IntStream.range(0, 100).toArray());
        Table b = t.select(IntStream.range(100, t.rows()).toArray());
        for (ScalerKind kind : ScalerKind.values()) {
            ColumnStats s = new ColumnStats(t.cols()).addRows(a.values(), a.rows())
                    .merge(new ColumnStats(t.cols()).addRows(b.values(), b.rows()));
            double[] mean = s.mean();
            s.merge(new ColumnStats(t.cols()).addSquares(a.values(), a.rows(), mean))
                    .merge(new ColumnStats(t.cols()).addSquares(b.values(), b.rows(), mean));
            Scaler merged = Scaler.fromStats(kind, s);
            Scaler whole = Scaler.fit(kind, t);
            assertEquals(whole.kind(), merged.kind());
            // equal up to the order of the additions (relative 1e-12; doubles carry ~16 digits)
            close(whole.center(), merged.center(), kind + " center");
            close(whole.scale(), merged.scale(), kind + " scale");
            close(whole.fill(), merged.fill(), kind + " fill");
        }
    }

    private static void close(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}

package dev.bottleneck.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalerTest {
    private static Table wdbc() {
        return CsvReader.builder().setPath(TestData.datasets().resolve("wdbc/wdbc.csv.gz"))
                .optLabelColumn("label").build().read();
    }

    @Test
    void standardGivesZeroMeanUnitStdOnWdbc() {
        Table t = wdbc();
        Table s = Scaler.fit(ScalerKind.STANDARD, t).transform(t);
        assertEquals(t.labels(), s.labels());
        for (int c = 0; c < s.cols(); c++) {
            double sum = 0;
            double sq = 0;
            for (int r = 0; r < s.rows(); r++) {
                sum += s.get(r, c);
            }
            double mean = sum / s.rows();
            for (int r = 0; r < s.rows(); r++) {
                sq += (s.get(r, c) - mean) * (s.get(r, c) - mean);
            }
            assertEquals(0, mean, 1e-5, "mean of column " + c);
            assertEquals(1, Math.sqrt(sq / s.rows()), 1e-4, "std of column " + c);
        }
    }

    @Test
    void minmaxMapsTrainingDataOntoZeroOne() {
        Table t = wdbc();
        Table s = Scaler.fit(ScalerKind.MINMAX, t).transform(t);
        for (int c = 0; c < s.cols(); c++) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int r = 0; r < s.rows(); r++) {
                min = Math.min(min, s.get(r, c));
                max = Math.max(max, s.get(r, c));
            }
            assertEquals(0f, min, 1e-6);
            assertEquals(1f, max, 1e-6);
        }
    }

    @Test
    void constantAndEmptyColumnsNeverDivideByZero() {
        float n = Float.NaN;
        Table t = Table.of(new float[][] {{0.1f, 5, n}, {0.1f, 5, n}, {0.1f, 5, n}});
        for (ScalerKind kind : ScalerKind.values()) {
            Scaler sc = Scaler.fit(kind, t);
            for (float v : sc.transform(t).values()) {
                assertTrue(Float.isFinite(v), kind + " gave " + v);
            }
            for (double s : sc.scale()) {
                assertTrue(s > 0);
            }
        }
        Table s = Scaler.fit(ScalerKind.STANDARD, t).transform(t);
        assertArrayEquals(new float[] {0, 0, 0}, s.row(1));
    }

    @Test
    void inverseTransformRoundTrips() {
        Table t = wdbc();
        for (ScalerKind kind : ScalerKind.values()) {
            Scaler sc = Scaler.fit(kind, t);
            float[] back = sc.inverseTransform(sc.transform(t).values(), t.cols());
            float[] orig = t.values();
            for (int i = 0; i < orig.length; i++) {
                assertEquals(orig[i], back[i], 1e-5 * Math.max(1, Math.abs(orig[i])), kind + " cell " + i);
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) throws Exception {
        return MAPPER.readValue(json, Map.class);
    }

    @Test
    void jsonRoundTripIsEqualAndReadableAsPlainJson() throws Exception {
        Table t = Table.of(new float[][] {{1, 10, Float.NaN}, {3, 30, 2}, {5, 50, 4}});
        for (ScalerKind kind : ScalerKind.values()) {
            Scaler sc = Scaler.fit(kind, t);
            String json = MAPPER.writeValueAsString(sc.toJson());
            Map<String, Object> parsed = parse(json);
            assertEquals(kind.id(), parsed.get("kind"));
            assertEquals(3, ((List<?>) parsed.get("center")).size());
            Scaler back = Scaler.fromJson(parsed);
            assertEquals(sc, back);
            assertArrayEquals(sc.transform(t).values(), back.transform(t).values());
        }
        // What a Python user would write by hand: integers, and no "fill".
        Scaler hand = Scaler.fromJson(parse("{\"kind\":\"standard\",\"center\":[1,2],\"scale\":[2,4]}"));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 0f},
                hand.transform(new float[] {2, 4, Float.NaN, Float.NaN}, 2));
    }

    @Test
    void badJsonIsOneSentenceNamingTheField() throws Exception {
        BottleneckException e = assertThrows(BottleneckException.class, () -> Scaler.fromJson(parse("{\"kind\":\"standard\",\"center\":[1,2],\"scale\":[2]}")));
        assertTrue(e.getMessage().contains("\"scale\" has 1 values but \"center\" has 2"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Scaler.fromJson(parse("{\"kind\":\"zscore\",\"center\":[1],\"scale\":[2]}")));
        assertTrue(e.getMessage().contains("\"zscore\" is not known"), e.getMessage());
        e = assertThrows(BottleneckException.class, () -> Scaler.fromJson(parse("{\"kind\":\"minmax\",\"center\":[1],\"scale\":[0]}")));
        assertTrue(e.getMessage().contains("expected a positive number"), e.getMessage());
    }

    @Test
    void widthMismatchNamesBothWidths() {
        Scaler sc = Scaler.fit(ScalerKind.STANDARD, wdbc());
        Table narrow = new Table(new float[12], 1, 12, Table.defaultColumns("x", 12), null, null, null, "score.csv");
        BottleneckException e = assertThrows(BottleneckException.class, () -> sc.transform(narrow));
        assertTrue(e.getMessage().startsWith("score.csv has 12 columns but the scaler was fitted on 30"), e.getMessage());
        assertThrows(BottleneckException.class, () -> sc.inverseTransform(new float[24], 12));
    }

    @Test
    void nanIsFilledWithTrainingMeanUnderEveryKind() {
        Table train = Table.of(new float[][] {{0}, {Float.NaN}, {4}, {8}});
        Table score = Table.of(new float[][] {{Float.NaN}});
        assertEquals(4f, Scaler.fit(ScalerKind.NONE, train).transform(score).get(0, 0), 1e-6);
        assertEquals(0f, Scaler.fit(ScalerKind.STANDARD, train).transform(score).get(0, 0), 1e-6);
        assertEquals(0.5f, Scaler.fit(ScalerKind.MINMAX, train).transform(score).get(0, 0), 1e-6);
        assertFalse(Float.isNaN(Scaler.identity(1).transform(score).get(0, 0)));
    }
}

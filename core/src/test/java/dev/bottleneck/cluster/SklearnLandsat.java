package dev.bottleneck.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.data.CsvReader;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The scikit-learn fixture written by bench/peers/sklearn_cluster_fixture.py and the rows it was
 * computed on: the first 600 rows of the Statlog Landsat set.
 */
public final class SklearnLandsat {
    public static final JsonNode FIXTURE = read();
    public static final float[][] ROWS = rows(FIXTURE.get("rows").asInt());

    private SklearnLandsat() {}

    private static JsonNode read() {
        try (InputStream in = SklearnLandsat.class.getResourceAsStream("/cluster/sklearn-landsat.json")) {
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[][] rows(int n) {
        Table t = CsvReader.builder().setPath(TestData.dataset("statlog-landsat/statlog-landsat.csv.gz"))
                .optLabelColumn("class").build().read();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = t.row(i);
        }
        return out;
    }

    public static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    public static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}

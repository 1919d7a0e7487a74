package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** Turns the feature columns of a frame into one {@link Block} per partition, refusing bad cells. */
final class Blocks {
    private Blocks() {}

    static JavaRDD<Block> of(FeatureFrame frame) {
        List<String> f = frame.features();
        Column[] cols = f.stream().map(SparkTables::column).toArray(Column[]::new);
        int d = f.size();
        int[] index = new int[d];
        Arrays.setAll(index, i -> i);
        RowFeatures features = new RowFeatures(index, -1, f.toArray(new String[0]), d);
        String source = frame.source();
        return frame.frame().select(cols).javaRDD().mapPartitionsWithIndex((p, rows) -> {
            return List.of(read(rows, features, d, p, source)).iterator();
        }, true);
    }

    private static Block read(Iterator<Row> rows, RowFeatures features, int d, int partition, String source) {
        float[] v = new float[1024 * d];
        int n = 0;
        while (rows.hasNext()) {
            if ((long) (n + 1) * d > v.length) {
                long grown = Math.min(Integer.MAX_VALUE - 8L, (long) v.length * 2);
                if (grown < (long) (n + 1) * d) {
                    throw new BottleneckException(source + ": partition " + partition + " holds more than "
                            + n + " rows, too many for one training task; use more partitions");
                }
                v = Arrays.copyOf(v, (int) grown);
            }
            String problem = features.copy(rows.next(), v, n * d);
            if (problem != null) {
                throw new BottleneckException(source + ": partition " + partition + ", row " + n
                        + " of the partition (0-based): " + problem
                        + "; training needs finite numbers in every feature (drop or fill such rows first)");
            }
            n++;
        }
        return new Block(Arrays.copyOf(v, n * d), n);
    }
}

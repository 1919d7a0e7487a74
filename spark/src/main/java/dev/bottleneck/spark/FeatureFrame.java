package dev.bottleneck.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * A DataFrame with the names of its feature columns (and of its label column, if any): the
 * Spark-side counterpart of core's {@code Table}. Other columns (ids, timestamps) ride along
 * untouched, so scored rows can be joined back to anything.
 *
 * @param frame the rows
 * @param features feature columns, in the model's order
 * @param label the label column kept out of training and scoring, or null
 * @param source where the rows came from (a path), for messages and provenance
 */
public record FeatureFrame(Dataset<Row> frame, List<String> features, String label, String source) {
    public FeatureFrame {
        features = List.copyOf(features);
    }

    /** The same columns over other rows (a split, a repartition). */
    public FeatureFrame withFrame(Dataset<Row> other) {
        return new FeatureFrame(other, features, label, source);
    }
}

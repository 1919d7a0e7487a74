package dev.bottleneck.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The scored rows (lazy, as every DataFrame) and the counter of rows given null outputs under
 * {@link BadRowPolicy#NULL}. The counters fill in as actions run; Spark counts a retried or
 * re-computed partition again, so read it after one action (or cache the frame).
 *
 * @param frame the input rows with the output columns appended
 * @param badRows rows with a null, NaN or infinite feature
 * @param rows rows that went through the scorer
 */
public record ScoredFrame(Dataset<Row> frame, LongAccumulator badRows, LongAccumulator rows) {}

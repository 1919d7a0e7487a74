package dev.bottleneck.spark;

import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.Detectors;
import dev.bottleneck.data.CsvReader;
import dev.bottleneck.data.Table;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Prepares the scoring benchmark (bench/spark-score.sh): a detector fitted on the first rows of an
 * ADBench CSV (1 epoch: throughput does not depend on how well it is trained), and a Parquet table
 * of the CSV repeated {@code copies} times, in {@code files} files.
 *
 * <p>Usage: {@code BenchData CSV LABEL COPIES FILES OUT_PARQUET OUT_DETECTOR}
 */
public final class BenchData {
    private BenchData() {}

    public static void main(String[] args) {
        String csv = args[0];
        String label = args[1];
        int copies = Integer.parseInt(args[2]);
        int files = Integer.parseInt(args[3]);
        Table t = CsvReader.builder().setPath(Path.of(csv)).optLabelColumn(label).build().read();
        Table head = t.select(IntStream.range(0, Math.min(20_000, t.rows())).toArray());
        try (Detector d = Detectors.autoencoder().optEpochs(1).optSeed(0).create()) {
            d.fit(head);
            d.save(Path.of(args[5]), true);
        }
        SparkSession spark = SparkSession.builder().master("local[2]").appName("bench-data")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            FeatureFrame f = SparkTables.read(spark, csv, label);
            f.frame().crossJoin(spark.range(copies).toDF("copy")).drop("copy").repartition(files)
                    .write().mode("overwrite").parquet(args[4]);
            System.out.println(spark.read().parquet(args[4]).count() + " rows written to " + args[4]);
        } finally {
            spark.stop();
        }
    }
}

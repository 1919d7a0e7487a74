package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code spark-submit --class dev.bottleneck.spark.SparkScore bottleneck-spark-app.jar --model M
 * --data X.parquet --out DIR}: scores a CSV or Parquet table on a cluster and writes it, with the
 * score (and code / anomaly label) columns added, as Parquet (or CSV when DIR ends in .csv).
 *
 * <p>Why a main class for spark-submit rather than a {@code bottleneck spark-score} subcommand:
 * Spark and its dependencies are ~300 MB of jars that the command-line tool would have to carry
 * for everyone; on a cluster Spark is already installed and spark-submit supplies it.
 * {@code --master local[*]} runs it on one machine without a cluster.
 */
@Command(name = "spark-score", mixinStandardHelpOptions = true,
        description = "Score a CSV or Parquet table with a Bottleneck model or detector on Spark.")
public final class SparkScore implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model or detector directory (readable on every executor)")
    String model;

    @Option(names = "--data", required = true, description = "CSV (.csv, .csv.gz; header line) or Parquet table")
    String data;

    @Option(names = "--out", description = "output folder: Parquet, or CSV when it ends in .csv")
    String out;

    @Option(names = "--dry-run", description = "score every row but write nothing (for timing)")
    boolean dryRun;

    @Option(names = "--master", description = "Spark master when not run by spark-submit, such as local[*]")
    String master;

    @Option(names = "--label", description = "column to carry along that is not a feature")
    String label;

    @Option(names = "--features", split = ",", description = "feature columns (default: the model's training columns)")
    List<String> features;

    @Option(names = "--code", description = "also add the code as a vector column named 'code'")
    boolean code;

    @Option(names = "--anomaly-col", defaultValue = "anomaly",
            description = "0/1 label column for a detector (default: ${DEFAULT-VALUE}; empty = none)")
    String anomalyCol;

    @Option(names = "--threshold", description = "score threshold for the label (default: the detector's)")
    Double threshold;

    @Option(names = "--batch-size", defaultValue = "4096", description = "rows per engine call (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--bad-rows", defaultValue = "fail",
            description = "a row with a null/NaN/infinite feature: fail (stop, naming it) or null (null score, counted)")
    String badRows;

    @Option(names = "--partitions", defaultValue = "0", description = "repartition the input first (0 = as read)")
    int partitions;

    @Option(names = "--overwrite", description = "replace an existing output folder")
    boolean overwrite;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns the exit code: 0 done, 1 bad data or model, 2 usage. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new SparkScore());
        cl.setExecutionExceptionHandler((e, c, p) -> {
            BottleneckException b = bottleneckCause(e);
            c.getErr().println("spark-score: " + (b != null ? b.getMessage() : e.toString()));
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (out == null && !dryRun) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--out is required (or --dry-run)");
        }
        // a session this command did not start (an application calling run) is left running
        boolean owned = SparkSession.getDefaultSession().isEmpty();
        SparkSession.Builder b = SparkSession.builder().appName("bottleneck spark-score");
        if (master != null) {
            b = b.master(master);
        }
        SparkSession spark = b.getOrCreate();
        try {
            ModelRef ref = ModelRef.resolve(model);
            FeatureFrame in = SparkTables.read(spark, data, label, features);
            if (partitions > 0) {
                in = in.withFrame(in.frame().repartition(partitions));
            }
            ScoreOptions options = ScoreOptions.builder()
                    .setModelPath(model)
                    .optInputCols(features == null || features.isEmpty() ? null : in.features())
                    .optCodeCol(code ? "code" : "")
                    .optLabelCol(ref.isDetector() || threshold != null ? anomalyCol : "")
                    .optThreshold(threshold)
                    .optBatchSize(batchSize)
                    .optBadRowPolicy(BadRowPolicy.parse(badRows))
                    .build();
            ScoredFrame scored = SparkScorer.score(in.frame(), options);
            long t0 = System.nanoTime();
            write(scored);
            long rows = scored.rows().value();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "spark-score: %d rows in %.2f s (%.0f rows/s, %d partitions), %d bad rows%s%n",
                    rows, secs, rows / secs, in.frame().rdd().getNumPartitions(), scored.badRows().value(),
                    dryRun ? "" : ", written to " + out);
            return 0;
        } finally {
            if (owned) {
                spark.stop();
            }
        }
    }

    /** Runs the one job: writes the output, or for --dry-run scores every row into Spark's no-op sink. */
    private void write(ScoredFrame scored) {
        if (dryRun) {
            scored.frame().write().format("noop").mode("overwrite").save();
            return;
        }
        var w = scored.frame().write().mode(overwrite ? "overwrite" : "errorifexists");
        if (out.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            w.option("header", "true").csv(out);
        } else {
            w.parquet(out);
        }
    }

    private static BottleneckException bottleneckCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BottleneckException b) {
                return b;
            }
        }
        return null;
    }
}

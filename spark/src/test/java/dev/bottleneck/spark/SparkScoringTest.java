package dev.bottleneck.spark;

import dev.bottleneck.anomaly.AutoencoderDetector;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.Detectors;
import dev.bottleneck.data.CsvReader;
import dev.bottleneck.data.Table;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distributed scoring against single-machine scoring of the same detector on WDBC. */
class SparkScoringTest {
    static final String WDBC = "../datasets/wdbc/wdbc.csv.gz";

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Table table;
    static Detector detector;
    static String detectorDir;
    static double[] expected;

    @BeforeAll
    static void fitDetector() {
        spark = TestSpark.get();
        table = CsvReader.builder().setPath(Path.of(WDBC)).optLabelColumn("label").build().read();
        detector = Detectors.autoencoder().optEpochs(3).optSeed(3).create();
        detector.fit(table);
        detectorDir = tmp.resolve("detector").toString();
        detector.save(Path.of(detectorDir), false);
        expected = detector.score(table);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    /** WDBC in file order with an id column (one gzip file = one partition), spread over 3 partitions. */
    static Dataset<Row> wdbc() {
        FeatureFrame f = SparkTables.read(spark, WDBC, "label");
        return f.frame().withColumn("id", monotonically_increasing_id()).repartition(3);
    }

    static ScoreOptions.Builder options() {
        return ScoreOptions.builder().setModelPath(detectorDir).optLabelCol("anomaly").optCodeCol("code");
    }

    /** Collects (one job: sorting in Spark would run the scorer again to sample) and orders by id. */
    static List<Row> byId(Dataset<Row> scored) {
        List<Row> rows = new java.util.ArrayList<>(scored.collectAsList());
        rows.sort(java.util.Comparator.comparingLong(r -> r.<Long>getAs("id")));
        return rows;
    }

    @Test
    void distributedScoresEqualSingleMachineScoresOfTheSameBatchesBitForBit() {
        Dataset<Row> input = wdbc();
        assertEquals(3, input.rdd().getNumPartitions());
        // monotonically_increasing_id after scoring = (partition << 33) + position in the partition
        List<Row> rows = SparkScorer.score(input, options().build()).frame()
                .withColumn("pos", monotonically_increasing_id()).collectAsList();
        assertEquals(table.rows(), rows.size());
        java.util.Map<Long, List<Row>> byPartition = new java.util.TreeMap<>();
        for (Row r : rows) {
            byPartition.computeIfAbsent(r.<Long>getAs("pos") >>> 33, k -> new java.util.ArrayList<>()).add(r);
        }
        assertEquals(3, byPartition.size());
        int[] labels = detector.predict(table);
        for (List<Row> part : byPartition.values()) {
            part.sort(java.util.Comparator.comparingLong(r -> r.<Long>getAs("pos")));
            int[] ids = part.stream().mapToInt(r -> (int) (long) r.<Long>getAs("id")).toArray();
            // the single-machine side scores the same rows as one batch, as the partition was (batch 4096)
            Table same = table.select(ids);
            double[] single = detector.score(same);
            float[][] codes = ((AutoencoderDetector) detector).model().orElseThrow().encode(same);
            for (int i = 0; i < ids.length; i++) {
                Row r = part.get(i);
                assertEquals(Double.doubleToRawLongBits(single[i]), Double.doubleToRawLongBits(r.getAs("score")),
                        "row " + ids[i] + ": " + single[i] + " vs " + r.getAs("score"));
                assertEquals(labels[ids[i]], (int) r.<Integer>getAs("anomaly"), "label of row " + ids[i]);
                double[] code = r.<Vector>getAs("code").toArray();
                for (int j = 0; j < code.length; j++) {
                    assertEquals(Float.floatToRawIntBits(codes[i][j]), Float.floatToRawIntBits((float) code[j]),
                            "code of row " + ids[i]);
                }
            }
        }
    }

    /**
     * Other batch compositions (partitions of ~120 rows, batches of 16) against the whole table in
     * one batch: the engine's matrix kernels block a 16-row and a 367-row product differently, so
     * a row's float sums may round differently in the last bit. Stated tolerance: 1e-6 relative
     * (float32 has 24 bits, ~6e-8; the sums run over at most 64 terms).
     */
    @Test
    void otherBatchSizesAgreeWithinFloatRounding() {
        List<Row> rows = byId(SparkScorer.score(wdbc(), options().optBatchSize(16).optCodeCol("").build()).frame());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected[i], rows.get(i).<Double>getAs("score"), 1e-6 * expected[i], "row " + i);
        }
    }

    @Test
    void parquetRoundTripScoresTheSame() {
        String parquet = tmp.resolve("wdbc.parquet").toString();
        SparkTables.read(spark, WDBC, "label").frame().withColumn("id", monotonically_increasing_id())
                .write().parquet(parquet);
        FeatureFrame f = SparkTables.read(spark, parquet, "label", table.columns());
        assertEquals(table.columns(), f.features());
        // one partition, one batch: the same batch as the single-machine scoring, so the same bits
        List<Row> rows = byId(SparkScorer.score(f.frame().coalesce(1), options().build()).frame());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected[i], rows.get(i).<Double>getAs("score"), 0.0, "row " + i);
        }
    }

    @Test
    void transformerMatchesTheFunctionAndLoadsTheModelOncePerJvm() {
        AutoencoderTransformer t = new AutoencoderTransformer().setModelPath(detectorDir).setLabelCol("anomaly")
                .setBatchSize(64);
        List<Row> rows = byId(t.copy(new org.apache.spark.ml.param.ParamMap()).transform(wdbc()));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected[i], rows.get(i).<Double>getAs("score"), 1e-6 * expected[i], "row " + i);
            assertEquals(expected[i] > detector.fitResult().orElseThrow().thresholdValue() ? 1 : 0,
                    (int) rows.get(i).<Integer>getAs("anomaly"), "label of row " + i);
        }
        // local mode: driver and executors share this JVM, which loaded the model once for every task
        assertEquals(1, ExecutorModels.loads(ModelRef.resolve(detectorDir)));
    }

    /** WDBC (one partition, file order) with row 100's x3 set to NaN. */
    static Dataset<Row> withNanRow() {
        Dataset<Row> f = SparkTables.read(spark, WDBC, "label").frame().withColumn("id", monotonically_increasing_id());
        return f.withColumn("x3", when(col("id").equalTo(100), lit(Float.NaN)).otherwise(col("x3")));
    }

    @Test
    void aNanRowFailsTheJobNamingPartitionRowAndColumn() {
        Dataset<Row> scored = SparkScorer.score(withNanRow(), options().build()).frame();
        SparkException e = assertThrows(SparkException.class, scored::collectAsList);
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains("partition 0, row 100 of the partition (0-based): column x3 is NaN"), m);
    }

    @Test
    void aNanRowScoresNullAndIsCountedUnderTheNullPolicy() {
        ScoredFrame out = SparkScorer.score(withNanRow(), options().optBadRowPolicy(BadRowPolicy.NULL).build());
        List<Row> rows = byId(out.frame());
        assertEquals(1, out.badRows().value());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i == 100) {
                assertNull(r.getAs("score"));
                assertNull(r.getAs("anomaly"));
                assertNull(r.getAs("code"));
            } else {
                assertEquals(expected[i], r.<Double>getAs("score"), 1e-6 * expected[i], "row " + i);
            }
        }
    }

    @Test
    void aFailedTaskIsRetriedAndTheJobFinishes() {
        Dataset<Row> in = wdbc();
        // the first attempt of partition 1's task dies; Spark's retry (local[2,2]) must finish the job
        Dataset<Row> flaky = in.map((MapFunction<Row, Row>) r -> {
            TaskContext c = TaskContext.get();
            if (c.partitionId() == 1 && c.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure");
            }
            return r;
        }, Encoders.row(in.schema()));
        List<Row> rows = byId(SparkScorer.score(flaky, options().build()).frame());
        assertEquals(table.rows(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected[i], rows.get(i).<Double>getAs("score"), 1e-6 * expected[i], "row " + i);
        }
    }

    @Test
    void sparkScoreMainWritesParquetWithScoresAndLabels() {
        String out = tmp.resolve("scored.parquet").toString();
        int code = SparkScore.run("--model", detectorDir, "--data", WDBC, "--label", "label", "--out", out);
        assertEquals(0, code);
        Dataset<Row> back = spark.read().parquet(out);
        assertEquals(table.rows(), back.count());
        assertTrue(List.of(back.columns()).containsAll(List.of("label", "x0", "score", "anomaly")));
        assertEquals(2, SparkScore.run("--model", detectorDir, "--data", WDBC, "--bad-rows"), "usage error");
        assertEquals(1, SparkScore.run("--model", tmp.resolve("missing").toString(), "--data", WDBC, "--dry-run"),
                "a model directory that does not exist");
    }
}

package dev.bottleneck.spark;

import dev.bottleneck.data.CsvReader;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training against core's single-machine trainer. */
class SparkTrainingTest {
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.get();
    }

    static Table read(String path, String label) {
        return CsvReader.builder().setPath(Path.of(path)).optLabelColumn(label).build().read();
    }

    /** The table's rows as a DataFrame of float columns, in table order, in {@code partitions} slices. */
    static FeatureFrame frameOf(Table t, int partitions) {
        StructType schema = new StructType();
        for (String c : t.columns()) {
            schema = schema.add(c, DataTypes.FloatType, false);
        }
        List<Row> rows = new ArrayList<>(t.rows());
        for (int r = 0; r < t.rows(); r++) {
            float[] v = t.row(r);
            Object[] cells = new Object[v.length];
            for (int c = 0; c < v.length; c++) {
                cells[c] = v[c];
            }
            rows.add(RowFactory.create(cells));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
        if (partitions > 1) {
            df = df.repartition(partitions);
        }
        return new FeatureFrame(df, t.columns(), null, t.source());
    }

    /** A small dense autoencoder without dropout (no randomness beyond the seeded initial weights). */
    static Autoencoder model(int d, long seed) {
        return Autoencoder.builder().setArchitecture(new DenseSpec(d, List.of(32), 8, null, false, 0, null))
                .optSeed(seed).build();
    }

    static double meanScore(Autoencoder m, Table t) {
        return Arrays.stream(m.score(t)).average().orElseThrow();
    }

    @Test
    void oneWorkerAveragingEveryStepIsTheSingleMachineTrainerBitForBit() {
        Table wdbc = read("../datasets/wdbc/wdbc.csv.gz", "label");
        TrainingConfig tc = TrainingConfig.builder().optEpochs(2).optBatchSize(64).optValidationFraction(0)
                .optSeed(5).build();
        try (Autoencoder single = model(30, 5); Autoencoder spread = model(30, 5)) {
            Trainer.builder().setConfig(tc).build().fit(single, wdbc);
            SparkTrainingResult r = SparkTrainer.builder().setConfig(tc).optAveragingPeriod(1).build()
                    .fit(spread, frameOf(wdbc, 1));
            assertEquals(1, r.partitions());
            assertEquals(12, r.steps()); // 367 rows in batches of 64: 6 steps per epoch
            assertEquals(single.scaler(), spread.scaler());
            assertArrayEquals(ModelFiles.weightsBytes(single.parameters()), ModelFiles.weightsBytes(spread.parameters()));
        }
    }

    /**
     * Two workers averaging every 8 steps on Landsat (80% train / 20% validation, one seeded split
     * for both runs), each worker taking about as many Adam steps as the single machine (2 epochs of
     * 81 steps = 162; a worker holds half the rows, so 4 epochs of 41 steps = 164). Stated
     * tolerance: the distributed validation loss is within 25% of the single-machine one. Why not
     * equal: averaging every 8 local steps is not the path of one model's steps (local SGD). At
     * equal epochs (half the steps) the gap measured 34% (4 epochs: 0.132 vs 0.099): epochs are not
     * the unit to compare.
     */
    @Test
    void twoWorkersReachTheSingleMachineValidationLossWithinTolerance() throws Exception {
        Table landsat = read("../datasets/statlog-landsat/statlog-landsat.csv.gz", "class");
        Split split = Split.of(landsat, 0.2, 11);
        TrainingConfig tc = TrainingConfig.builder().optEpochs(2).optBatchSize(64).optValidationFraction(0)
                .optSeed(2).build();
        try (Autoencoder single = model(36, 2); Autoencoder spread = model(36, 2)) {
            Table val = split.validation();
            single.setScaler(Scaler.fit(ScalerKind.STANDARD, split.train()), split.train());
            double untrained = meanScore(single, val);
            Trainer.builder().setConfig(tc).build().fit(single, split.train());
            double singleLoss = meanScore(single, val);

            TrainingConfig sameSteps = tc.toBuilder().optEpochs(2 * tc.epochs()).build();
            SparkTrainingResult r = SparkTrainer.builder().setConfig(sameSteps).optPartitions(2).optAveragingPeriod(8)
                    .optValidation(frameOf(val, 2)).build().fit(spread, frameOf(split.train(), 1));
            double spreadLoss = meanScore(spread, val);
            System.out.printf("Landsat validation loss: untrained %.4f, single machine %.4f, 2 workers %.4f"
                    + " (%d steps, %d rounds)%n", untrained, singleLoss, spreadLoss, r.steps(), r.roundLosses().size());
            assertEquals(2, r.partitions());
            assertEquals(2 * 41 * tc.epochs(), r.steps());
            assertEquals(spreadLoss, r.validationLoss(), 1e-6 * spreadLoss);
            assertTrue(singleLoss < untrained / 2 && spreadLoss < untrained / 2, "both runs learn");
            assertTrue(Math.abs(spreadLoss - singleLoss) <= 0.25 * singleLoss,
                    "distributed " + spreadLoss + " vs single machine " + singleLoss);

            // the same model directory as single-machine training writes
            Path dir = tmp.resolve("spark-model");
            SparkTrainer.save(spread, r, dir, false);
            assertTrue(Files.isRegularFile(dir.resolve(ModelFiles.CONFIG)));
            assertTrue(Files.isRegularFile(dir.resolve("spark-training.json")));
            try (Autoencoder loaded = Autoencoder.load(dir)) {
                assertEquals(single.parameters().keySet(), loaded.parameters().keySet());
                assertEquals(split.train().rows(), loaded.config().provenance().rows());
                assertEquals(landsat.columns(), loaded.config().inputColumns());
                assertEquals(spreadLoss, meanScore(loaded, val), 0.0);
                Scaler reference = Scaler.fit(ScalerKind.STANDARD, split.train());
                assertArrayEquals(reference.center(), loaded.scaler().center(), 1e-9);
                assertArrayEquals(reference.scale(), loaded.scaler().scale(), 1e-9);
            }
        }
    }

    @Test
    void aFailedTrainingTaskIsRetriedAndGivesTheSameModel() {
        Table wdbc = read("../datasets/wdbc/wdbc.csv.gz", "label");
        TrainingConfig tc = TrainingConfig.builder().optEpochs(2).optBatchSize(32).optValidationFraction(0)
                .optSeed(9).build();
        FeatureFrame clean = frameOf(wdbc, 2);
        Dataset<Row> in = clean.frame();
        // the first attempt of partition 1's first task dies; Spark (local[2,2]) runs it again
        Dataset<Row> flaky = in.map((MapFunction<Row, Row>) row -> {
            TaskContext c = TaskContext.get();
            if (c.partitionId() == 1 && c.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure");
            }
            return row;
        }, Encoders.row(in.schema()));
        try (Autoencoder a = model(30, 9); Autoencoder b = model(30, 9)) {
            SparkTrainer trainer = SparkTrainer.builder().setConfig(tc).optAveragingPeriod(3).build();
            SparkTrainingResult ra = trainer.fit(a, clean);
            SparkTrainingResult rb = trainer.fit(b, clean.withFrame(flaky));
            assertEquals(ra.steps(), rb.steps());
            assertEquals(2, rb.partitions());
            assertArrayEquals(ModelFiles.weightsBytes(a.parameters()), ModelFiles.weightsBytes(b.parameters()));
        }
    }
}

package dev.bottleneck.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.ColumnStats;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.model.Provenance;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingStep;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synchronous data-parallel training on Spark by periodic parameter averaging (local SGD with
 * Adam): every partition is a worker holding its rows in memory; each round, the driver
 * broadcasts the current weights and Adam moments, every worker takes {@code averagingPeriod}
 * Adam steps on its own rows through core's {@link TrainingStep}, and the driver averages the
 * workers' weights and moments into the next round's start. The result is an ordinary {@link
 * Autoencoder}: saved, it is the same model directory single-machine training writes.
 *
 * <p>The scaler is fitted on all training rows with distributed statistics (core's {@link
 * ColumnStats}, merged across partitions); an epoch is as many steps as the largest partition
 * needs to see each of its rows once (smaller partitions wrap around). With one partition and an
 * averaging period of 1 the run is the single-machine {@code Trainer}'s, bit for bit, for models
 * without dropout or input noise (their random draws are seeded per step here, per epoch there).
 */
public final class SparkTrainer {
    private final TrainingConfig config;
    private final int averagingPeriod;
    private final int partitions;
    private final FeatureFrame validation;
    private final TrainingListener listener;
    private final StopSignal stop;

    private SparkTrainer(Builder b) {
        this.config = b.config;
        this.averagingPeriod = b.averagingPeriod;
        this.partitions = b.partitions;
        this.validation = b.validation;
        this.listener = b.listener;
        this.stop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains {@code model} (built with the data's width, untrained) on the feature columns of
     * {@code data}; labels are never read. On return the model holds the averaged weights, the
     * fitted scaler and the training record, ready for {@link Autoencoder#save}.
     */
    public SparkTrainingResult fit(Autoencoder model, FeatureFrame data) {
        long t0 = System.nanoTime();
        if (data.features().size() != model.inputWidth()) {
            throw new BottleneckException(data.source() + " has " + data.features().size()
                    + " feature columns but the model expects " + model.inputWidth());
        }
        FeatureFrame train = data;
        FeatureFrame val = validation;
        if (val == null && config.validationFraction() > 0) {
            Dataset<Row>[] parts = data.frame().randomSplit(
                    new double[] {1 - config.validationFraction(), config.validationFraction()}, config.seed());
            train = data.withFrame(parts[0]);
            val = data.withFrame(parts[1]);
        }
        if (partitions > 0) {
            train = train.withFrame(train.frame().repartition(partitions));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.frame().sparkSession().sparkContext());
        int d = model.inputWidth();
        JavaRDD<Block> raw = Blocks.of(train).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Block> scaled = null;
        List<Broadcast<?>> broadcasts = new ArrayList<>();
        try {
            Scaler scaler = fitScaler(raw, d, ScalerKind.parse(model.config().scalerKind()), data.source());
            List<Integer> sizes = raw.map(Block::rows).collect();
            long trainRows = sizes.stream().mapToLong(Integer::longValue).sum();
            int workers = (int) sizes.stream().filter(n -> n > 0).count();
            int stepsPerEpoch = sizes.stream().filter(n -> n > 0)
                    .mapToInt(n -> TrainingStep.batchesPerEpoch(n, Math.min(config.batchSize(), n))).max().orElse(0);
            model.setScaler(scaler, new Table(new float[0], 0, d, data.features(), null, data.label(), null, data.source()));
            Map<String, Object> scalerJson = scaler.toJson();
            scaled = raw.map(b -> new Block(Scaler.fromJson(scalerJson).transform(b.values(), d), b.rows()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            long totalSteps = (long) stepsPerEpoch * config.epochs();
            Broadcast<TrainingSetup> setup = jsc.broadcast(new TrainingSetup(TrainingRound.write(model.config()),
                    TrainingRound.write(config), totalSteps, averagingPeriod));
            broadcasts.add(setup);

            LearningRateSchedule schedule = new LearningRateSchedule(config, totalSteps);
            RoundState state = new RoundState(ModelFiles.weightsBytes(model.parameters()), null, 0);
            List<Double> roundLosses = new ArrayList<>();
            List<EpochRecord> history = new ArrayList<>();
            double epochLoss = 0;
            int epochRounds = 0;
            long e0 = System.nanoTime();
            boolean stopped = false;
            while (state.step() < totalSteps) {
                Broadcast<RoundState> bc = jsc.broadcast(state);
                List<WorkerResult> results = new ArrayList<>(scaled.mapPartitionsWithIndex(new TrainingRound(setup, bc), true).collect());
                bc.destroy();
                results.sort(Comparator.comparingInt(WorkerResult::partition));
                if (results.isEmpty()) {
                    throw new BottleneckException(data.source() + " has no training rows");
                }
                long next = state.step() + results.get(0).steps();
                state = average(model, results, next);
                double loss = results.stream().mapToDouble(r -> r.lossSum() / r.steps()).average().orElse(Double.NaN);
                roundLosses.add(loss);
                epochLoss += loss;
                epochRounds++;
                long epochsDone = next / stepsPerEpoch;
                boolean last = next >= totalSteps;
                if (epochsDone > history.size() || last) {
                    history.add(new EpochRecord((int) Math.max(1, epochsDone), next, epochLoss / epochRounds, null,
                            Map.of(), schedule.at(next - 1), (System.nanoTime() - e0) / 1e9));
                    listener.onEpochEnd(history.get(history.size() - 1), config.epochs());
                    epochLoss = 0;
                    epochRounds = 0;
                    e0 = System.nanoTime();
                }
                if (stop.isRequested() && !last) {
                    stopped = true;
                    break;
                }
            }
            long valRows = 0;
            Double valLoss = null;
            if (val != null) {
                double[] sumCount = validationLoss(jsc, model, val, broadcasts);
                valRows = (long) sumCount[1];
                valLoss = valRows > 0 ? sumCount[0] / sumCount[1] : null;
                if (valLoss != null && !history.isEmpty()) {
                    EpochRecord r = history.remove(history.size() - 1);
                    history.add(new EpochRecord(r.epoch(), r.step(), r.trainLoss(), valLoss, r.terms(),
                            r.learningRate(), r.seconds()));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int epochs = (int) Math.min(config.epochs(), state.step() / Math.max(1, stepsPerEpoch));
            model.setTrainingRecord(config, new Provenance(data.source(), null, trainRows, valRows, data.features(),
                    data.label(), config.seed(), Instant.now().toString(), Version.get(), Engines.describe(),
                    System.getProperty("java.version"),
                    "spark " + jsc.sc().master() + ", " + workers + " workers, cpu", epochs, seconds, valLoss, false));
            return new SparkTrainingResult(history, roundLosses, state.step(), workers, averagingPeriod, trainRows,
                    valRows, valLoss, seconds, stopped);
        } finally {
            for (Broadcast<?> b : broadcasts) {
                b.destroy();
            }
            raw.unpersist(false);
            if (scaled != null) {
                scaled.unpersist(false);
            }
            if (!stop.callerFinishes()) {
                stop.markFinished();
            }
        }
    }

    /**
     * Writes the model directory (the same config.json + model.safetensors as single-machine
     * training) plus {@code spark-training.json}: the distributed knobs and the per-round losses.
     */
    public static void save(Autoencoder model, SparkTrainingResult result, Path dir, boolean overwrite) {
        ModelFiles.save(model, dir, overwrite, tmp -> Files.writeString(tmp.resolve("spark-training.json"),
                TrainingRound.write(result)));
    }

    /** Standardisation (or min-max) statistics of all rows, merged across partitions. */
    private static Scaler fitScaler(JavaRDD<Block> raw, int d, ScalerKind kind, String source) {
        ColumnStats first = raw.map(b -> new ColumnStats(d).addRows(b.values(), b.rows())).reduce(ColumnStats::merge);
        if (kind == ScalerKind.STANDARD) {
            double[] mean = first.mean();
            first.merge(raw.map(b -> new ColumnStats(d).addSquares(b.values(), b.rows(), mean)).reduce(ColumnStats::merge));
        }
        return Scaler.fromStats(kind, first);
    }

    /** Averages the workers' weights and moments (equal weights), loads them into the driver's model. */
    private static RoundState average(Autoencoder model, List<WorkerResult> results, long step) {
        byte[] weights = averageTensors(model.manager(), results.stream().map(WorkerResult::weights).toList());
        byte[] adam = averageTensors(model.manager(), results.stream().map(WorkerResult::adam).toList());
        ModelFiles.loadWeights(model.parameters(), weights, "the averaged weights");
        return new RoundState(weights, adam, step);
    }

    static byte[] averageTensors(NDManager parent, List<byte[]> parts) {
        try (NDManager sub = parent.newSubManager()) {
            Map<String, NDArray> sum = new LinkedHashMap<>();
            for (byte[] p : parts) {
                for (NDArray a : NDList.decode(sub, p)) {
                    sum.merge(a.getName(), a, NDArray::add);
                }
            }
            NDList out = new NDList();
            for (Map.Entry<String, NDArray> e : sum.entrySet()) {
                NDArray avg = e.getValue().div(parts.size());
                avg.setName(e.getKey());
                out.add(avg);
            }
            return out.encode(NDList.Encoding.SAFETENSORS);
        }
    }

    /** Sum of per-row reconstruction loss and row count over the validation rows, scored by the workers. */
    private static double[] validationLoss(JavaSparkContext jsc, Autoencoder model, FeatureFrame val,
            List<Broadcast<?>> broadcasts) {
        Broadcast<String> config = jsc.broadcast(TrainingRound.write(model.config()));
        Broadcast<byte[]> weights = jsc.broadcast(ModelFiles.weightsBytes(model.parameters()));
        broadcasts.add(config);
        broadcasts.add(weights);
        int d = model.inputWidth();
        List<String> columns = val.features();
        return Blocks.of(val).map(b -> {
            if (b.rows() == 0) {
                return new double[] {0, 0};
            }
            Autoencoder m;
            synchronized (EngineLock.LOCK) {
                m = TrainingRound.build(config.value(), weights.value());
            }
            try {
                double s = 0;
                for (double x : m.score(new Table(b.values(), b.rows(), d, columns, null, null, null, "validation"))) {
                    s += x;
                }
                return new double[] {s, b.rows()};
            } finally {
                m.close();
            }
        }).reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    }

    /** DJL-style builder: {@code setConfig} is required, the rest optional. */
    public static final class Builder {
        private TrainingConfig config;
        private int averagingPeriod = 8;
        private int partitions;
        private FeatureFrame validation;
        private TrainingListener listener = TrainingListener.NONE;
        private StopSignal stop = new StopSignal();

        /** Epochs, batch size (per worker), learning rate, seed…; validationFraction splits off rows unless a validation frame is given. */
        public Builder setConfig(TrainingConfig c) { config = c; return this; }
        /** Local Adam steps between two averagings (default 8); 1 = average after every step. */
        public Builder optAveragingPeriod(int n) { averagingPeriod = n; return this; }
        /** Repartition the training rows into this many workers (0 = keep the frame's partitions). */
        public Builder optPartitions(int n) { partitions = n; return this; }
        /** Rows to report the validation loss on (instead of splitting by validationFraction). */
        public Builder optValidation(FeatureFrame v) { validation = v; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        /** Checked between rounds: a request ends the run keeping the last averaged weights. */
        public Builder optStopSignal(StopSignal s) { stop = s; return this; }

        public SparkTrainer build() {
            if (config == null) {
                throw new BottleneckException("a training config must be set (setConfig)");
            }
            if (averagingPeriod < 1) {
                throw new BottleneckException("averaging period must be ≥ 1 step, got " + averagingPeriod);
            }
            if (partitions < 0) {
                throw new BottleneckException("partitions must be ≥ 1 (or 0 to keep the frame's), got " + partitions);
            }
            if (config.patience() > 0) {
                throw new BottleneckException("early stopping (patience " + config.patience()
                        + ") is not supported by the Spark trainer; set patience to 0");
            }
            return new SparkTrainer(this);
        }
    }
}

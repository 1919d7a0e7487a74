package dev.bottleneck.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The one training loop every autoencoder family uses: minibatch Adam on {@link
 * Autoencoder#forward}'s total loss, with warm-up and cosine schedule, gradient clipping, early
 * stopping on validation loss, checkpoints (with optimizer state) every epoch and on a stop
 * request, and exact resume.
 *
 * <p>Reproducibility: the split, the order of rows in each epoch and the engine's generator
 * (dropout, input noise, sampling) are all derived from the seed and the epoch number, so a run
 * resumed from an epoch-boundary checkpoint continues exactly as the uninterrupted run would.
 *
 * <p>Memory: every step's arrays live in a sub-manager closed at the end of the step, so native
 * memory stays flat however long the run.
 */
public final class Trainer {
    private final TrainingConfig config;
    private final Path checkpointDir;
    private final boolean resume;
    private final TrainingListener listener;
    private final StopSignal stop;
    private final String dataSha256;

    private Trainer(Builder b) {
        this.config = b.config;
        this.checkpointDir = b.checkpointDir;
        this.resume = b.resume;
        this.listener = b.listener;
        this.stop = b.stop;
        this.dataSha256 = b.dataSha256;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains {@code model} on {@code data} (raw units: the model's scaler is fitted on the
     * training split here). When resuming, the model's weights and scaler come from the
     * checkpoint.
     */
    public TrainingResult fit(Autoencoder model, Table data) {
        return TrainingRun.finishing(stop, () -> run(model, data));
    }

    private TrainingResult run(Autoencoder model, Table data) {
        if (data.cols() != model.inputWidth()) {
            throw new BottleneckException((data.source() == null ? "the data" : data.source()) + " has "
                    + data.cols() + " feature columns but the model expects " + model.inputWidth());
        }
        TrainingRun run = new TrainingRun(config, checkpointDir, listener);
        String sha = dataSha256 != null ? dataSha256 : hashOf(data);
        CheckpointState resumed = null;
        if (resume) {
            resumed = Checkpoints.readState(checkpointDir);
            run.checkSameData(resumed.dataSha256(), sha);
        }
        Split split = run.split(data);
        Table train = split.train();
        Table val = split.validation();
        if (resumed != null) {
            model.setScaler(Scaler.fromJson(resumed.model().scaler()), data);
        } else {
            model.setScaler(Scaler.fit(ScalerKind.parse(model.config().scalerKind()), train), data);
        }
        float[] trainRows = model.scaler().transform(train.values(), train.cols());
        float[] valRows = val.rows() > 0 ? model.scaler().transform(val.values(), val.cols()) : null;

        int n = train.rows();
        int d = model.inputWidth();
        int batch = Math.min(config.batchSize(), n);
        int batches = TrainingStep.batchesPerEpoch(n, batch);
        LearningRateSchedule schedule = new LearningRateSchedule(config, (long) batches * config.epochs());
        Map<String, Parameter> params = model.parameters();

        try (AdamOptimizer opt = new AdamOptimizer(config, model.manager());
                NDManager bestManager = model.manager().newSubManager();
                BatchPrefetcher batchRows = new BatchPrefetcher(trainRows, d, batch)) {
            NDList bestWeights = null;
            if (resumed != null) {
                restore(resumed, params, opt, model);
                run.resume(resumed.epochsCompleted(), resumed.nextBatch(), resumed.epochLossSum(),
                        resumed.epochBatches(), resumed.history(), resumed.seconds());
                run.resumeBest(resumed.bestValidationLoss(), resumed.bestEpoch(), resumed.badEpochs());
                if (Checkpoints.has(checkpointDir, Checkpoints.BEST)) {
                    bestWeights = Checkpoints.readList(checkpointDir, Checkpoints.BEST, bestManager);
                }
            }
            run.startClock();
            boolean stoppedEarly = false;
            Map<String, Double> termSums = new LinkedHashMap<>();
            for (int epoch = run.startEpoch(); epoch < config.epochs(); epoch++) {
                long e0 = System.nanoTime();
                int[] order = permutation(n, config.seed(), epoch);
                termSums.clear();
                int first = run.beginEpoch(epoch, batches);
                // the engine's generator is reseeded per epoch (and per resume point) so noise is reproducible
                run.seedEngine(epoch, first);
                double lossSum = run.carriedLoss(epoch);
                int lossCount = run.carriedBatches(epoch);
                for (int b = first; b < batches; b++) {
                    int from = b * batch;
                    int count = Math.min(batch, n - from);
                    java.nio.ByteBuffer rows = batchRows.take(order, from, count);
                    if (b + 1 < batches) {
                        batchRows.prefetch(order, from + batch, Math.min(batch, n - from - batch));
                    }
                    double lr = schedule.at(opt.step());
                    double loss = TrainingStep.run(model, opt, rows, count, lr, termSums);
                    TrainingRun.checkFinite(loss, epoch, b,
                            "try a lower --lr, --clip-norm, or check the data for extreme values");
                    lossSum += loss;
                    lossCount++;
                    listener.onBatch(epoch + 1, b + 1, loss);
                    if (stop.isRequested() && b + 1 < batches) {
                        checkpoint(run, model, opt, bestWeights, sha, epoch, b + 1, lossSum, lossCount);
                        throw run.interrupted(epoch, b + 1, batches);
                    }
                }
                Double valLoss = valRows == null ? null : meanScore(model, valRows, val.rows());
                run.endEpoch(epoch, opt, schedule, lossSum, lossCount, valLoss, TrainingRun.means(termSums, lossCount), e0);
                if (run.improved(valLoss, epoch) && config.patience() > 0) {
                    if (bestWeights != null) {
                        bestWeights.close();
                    }
                    bestWeights = Checkpoints.snapshot(params, bestManager);
                }
                stoppedEarly = run.patienceRunOut();
                checkpoint(run, model, opt, bestWeights, sha, epoch + 1, 0, 0, 0);
                if (stoppedEarly) {
                    break;
                }
                if (stop.isRequested() && epoch + 1 < config.epochs()) {
                    throw run.interrupted(epoch + 1, 0, batches);
                }
            }
            int keptEpoch = run.lastEpoch();
            if (config.patience() > 0 && bestWeights != null) {
                ModelFiles.loadWeights(params, bestWeights.encode(NDList.Encoding.SAFETENSORS), "the best-epoch snapshot");
                keptEpoch = run.bestEpoch();
            }
            double seconds = run.seconds();
            model.setTrainingRecord(config, run.provenance(data, sha, split, data.columns(),
                    model.manager().getDevice().toString(), seconds, run.best(), resumed != null));
            return new TrainingResult(run.history(), keptEpoch, stoppedEarly, resumed != null, seconds);
        }
    }

    /** Saves the run's state at (epochsCompleted, nextBatch) when there is a checkpoint directory. */
    private void checkpoint(TrainingRun run, Autoencoder model, AdamOptimizer opt, NDList best, String sha,
            int epochsCompleted, int nextBatch, double lossSum, int lossCount) {
        run.checkpoint(() -> Checkpoints.save(checkpointDir, new CheckpointState(model.config(), config, sha,
                epochsCompleted, nextBatch, opt.step(), lossSum, lossCount, run.best(), run.bestEpoch(),
                run.badEpochs(), run.history(), run.seconds()), model.parameters(), opt, best));
    }

    private void restore(CheckpointState s, Map<String, Parameter> params, AdamOptimizer opt, Autoencoder model) {
        if (!s.model().architecture().equals(model.config().architecture())
                || !s.model().bottleneck().equals(model.config().bottleneck())) {
            throw new BottleneckException("cannot resume from " + checkpointDir
                    + ": the checkpoint holds a different architecture (" + s.model().family() + ")");
        }
        ModelFiles.loadWeights(params, Checkpoints.read(checkpointDir, Checkpoints.WEIGHTS),
                Checkpoints.file(checkpointDir, Checkpoints.WEIGHTS).toString());
        try (NDManager tmp = model.manager().newSubManager()) {
            opt.restore(Checkpoints.readList(checkpointDir, Checkpoints.OPTIMIZER, tmp), s.step(), params);
        }
    }

    /** Mean reconstruction loss (the objective, no penalties) over scaled rows, in inference mode. */
    static double meanScore(Autoencoder model, float[] rows, int n) {
        float[][] s = model.mapRows(rows, n, 1, x -> model.forward(x, false).perRow().reshape(-1, 1));
        double sum = 0;
        for (float[] r : s) {
            sum += r[0];
        }
        return sum / n;
    }

    /** The row order of one epoch: a seeded Fisher–Yates shuffle, a function of (seed, epoch) only. */
    public static int[] permutation(int n, long seed, int epoch) {
        Random r = new Random(seed * 31 + epoch * 1_000_000_007L);
        return Shuffle.permutation(n, r::nextInt);
    }

    public static String hashOf(Table data) {
        if (data.source() == null) {
            return null;
        }
        try {
            Path p = Path.of(data.source());
            return Files.isRegularFile(p) ? Hashes.sha256(p) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** DJL-style builder: {@code setConfig} is required; the rest optional. */
    public static final class Builder {
        private TrainingConfig config;
        private Path checkpointDir;
        private boolean resume;
        private TrainingListener listener = TrainingListener.NONE;
        private StopSignal stop = new StopSignal();
        private String dataSha256;

        public Builder setConfig(TrainingConfig c) { config = c; return this; }
        /** Where checkpoints go (replaced every epoch); none are written without it. */
        public Builder optCheckpointDir(Path dir) { checkpointDir = dir; return this; }
        /** Continue from the checkpoint in the checkpoint directory. */
        public Builder optResume(boolean r) { resume = r; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        public Builder optStopSignal(StopSignal s) { stop = s; return this; }
        /** The data file's hash, when the caller already has it (else computed from the table's source). */
        public Builder optDataSha256(String sha) { dataSha256 = sha; return this; }

        public Trainer build() {
            if (config == null) {
                throw new BottleneckException("a training config must be set (setConfig)");
            }
            if (resume && checkpointDir == null) {
                throw new BottleneckException("resuming needs a checkpoint directory (optCheckpointDir)");
            }
            return new Trainer(this);
        }
    }
}

package dev.bottleneck.prototype;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Scaler;
import dev.bottleneck.data.ScalerKind;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;
import dev.bottleneck.train.TrainingRun;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link PrototypeNetwork}: minibatch Adam on λ_class·CE + λ_ae·reconstruction + λ₁·R1 +
 * λ₂·R2, with optional elastic deformation of the images from a chosen epoch on.
 *
 * <p>Why not the autoencoders' {@link Trainer}: its objective is {@code Autoencoder.forward}'s
 * loss of the rows alone, while this one needs each row's label and a model of another shape (a
 * classifier head and prototypes). The pieces are shared instead: {@link AdamOptimizer}, {@link
 * LearningRateSchedule} (warm-up, cosine decay), {@link Trainer#permutation} for the seeded epoch
 * order, {@link Checkpoints} generations, {@link TrainingListener} progress, {@link StopSignal}, and
 * {@link TrainingRun} for the run's bookkeeping (resume, epoch records, stop messages, provenance).
 *
 * <p>Reproducibility: split, row order, engine generator and deformation fields are all functions
 * of (seed, epoch, batch), so a resumed run continues exactly as an uninterrupted one. Memory:
 * each step's arrays are freed when the step ends (a sub-manager plus an {@link NDScope}, which
 * also catches arrays that engine ops attach to the parameters' manager).
 */
public final class PrototypeTrainer {
    private final PrototypeTraining settings;
    private final Path checkpointDir;
    private final boolean resume;
    private final TrainingListener listener;
    private final StopSignal stop;

    private PrototypeTrainer(Builder b) {
        this.settings = new PrototypeTraining(b.config, b.weights, b.elastic, b.elasticFromEpoch);
        this.checkpointDir = b.checkpointDir;
        this.resume = b.resume;
        this.listener = b.listener;
        this.stop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    public PrototypeTraining settings() {
        return settings;
    }

    /**
     * Trains {@code net} on the labelled table {@code data} (raw units; the scaler is fitted on the
     * training split here). When resuming, weights, optimizer state and scaler come from the checkpoint.
     */
    public TrainingResult fit(PrototypeNetwork net, Table data) {
        return TrainingRun.finishing(stop, () -> run(net, data));
    }

    private TrainingResult run(PrototypeNetwork net, Table data) {
        TrainingConfig cfg = settings.optimizer();
        if (data.cols() != net.inputWidth()) {
            throw new BottleneckException(data.source() + " has " + data.cols()
                    + " feature columns but the prototype network expects " + net.inputWidth());
        }
        net.labelIndices(data); // every label known before any work
        TrainingRun run = new TrainingRun(cfg, checkpointDir, listener);
        String sha = Trainer.hashOf(data);
        PrototypeCheckpoint resumed = null;
        if (resume) {
            resumed = Checkpoints.readState(checkpointDir, PrototypeCheckpoint.class);
            run.checkSameData(resumed.dataSha256(), sha);
        }
        Split split = Split.of(data, cfg.validationFraction(), cfg.seed());
        Table train = split.train();
        Table val = split.validation();
        if (train.rows() < 2) {
            throw new BottleneckException("a prototype network needs at least 2 training rows, but " + data.source()
                    + " leaves " + train.rows() + " after holding out " + val.rows() + " for validation");
        }
        net.setScaler(resumed != null ? Scaler.fromJson(resumed.model().scaler())
                : Scaler.fit(ScalerKind.parse(net.config().scalerKind()), train), data);
        float[] trainRows = net.prepare(train);
        int[] trainLabels = net.labelIndices(train);
        float[] valRows = val.rows() > 0 ? net.prepare(val) : null;
        int[] valLabels = val.rows() > 0 ? net.labelIndices(val) : null;
        int[] image = net.config().architecture().imageShape();
        if (image == null) {
            image = train.imageShape().orElse(null);
        }

        int n = train.rows();
        int d = net.inputWidth();
        int batch = Math.min(cfg.batchSize(), n);
        // a final batch of one row is dropped: R1 and R2 over one example say little
        int batches = n / batch + (n % batch > 1 ? 1 : 0);
        LearningRateSchedule schedule = new LearningRateSchedule(cfg, (long) batches * cfg.epochs());
        Map<String, Parameter> params = net.parameters();
        LossWeights w = settings.lossWeights();

        try (AdamOptimizer opt = new AdamOptimizer(cfg, net.manager())) {
            Map<String, Double> carriedTerms = Map.of();
            if (resumed != null) {
                if (!resumed.model().architecture().equals(net.config().architecture())
                        || resumed.model().prototypes() != net.prototypeCount()) {
                    throw new BottleneckException("cannot resume from " + checkpointDir
                            + ": the checkpoint holds a different prototype network");
                }
                try (NDManager tmp = net.manager().newSubManager()) {
                    Checkpoints.restore(checkpointDir, params, opt, resumed.step(), tmp);
                }
                run.resume(resumed.epochsCompleted(), resumed.nextBatch(), resumed.epochLossSum(),
                        resumed.epochBatches(), resumed.history(), resumed.seconds());
                carriedTerms = resumed.termSums() == null ? Map.of() : resumed.termSums();
            }
            run.startClock();
            float[] buf = new float[batch * d];
            int[] ybuf = new int[batch];
            for (int epoch = run.startEpoch(); epoch < cfg.epochs(); epoch++) {
                long e0 = System.nanoTime();
                int[] order = Trainer.permutation(n, cfg.seed(), epoch);
                boolean deform = settings.elastic() != null && image != null && epoch + 1 >= settings.elasticFromEpoch();
                double lossSum = run.carriedLoss(epoch);
                int lossCount = run.carriedBatches(epoch);
                Map<String, Double> terms = new LinkedHashMap<>(epoch == run.startEpoch() ? carriedTerms : Map.of());
                int first = run.beginEpoch(epoch, batches);
                for (int b = first; b < batches; b++) {
                    int from = b * batch;
                    int count = Math.min(batch, n - from);
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(trainRows, order[from + i] * d, buf, i * d, d);
                        ybuf[i] = trainLabels[order[from + i]];
                    }
                    float[] rows = count == batch ? buf : Arrays.copyOf(buf, count * d);
                    if (deform) {
                        settings.elastic().apply(rows, count, image[0], image[1], image[2],
                                new Random(cfg.seed() * 1_000_003L + epoch * 100_019L + b));
                    }
                    run.seedEngine(epoch, b);
                    double lr = schedule.at(opt.step());
                    float[] values;
                    try (NDManager step = net.manager().newSubManager()) {
                        try (NDScope scope = new NDScope()) {
                            NDArray x = step.create(rows, new Shape(count, d));
                            NDArray y = step.create(Arrays.copyOf(ybuf, count));
                            PrototypeNetwork.Losses l;
                            try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                                PrototypeNetwork.Forward f = net.forward(x, true);
                                l = PrototypeNetwork.losses(f, x, y, w);
                                gc.backward(l.total());
                            }
                            values = new float[] {l.total().getFloat(), l.classification().getFloat(),
                                l.reconstruction().getFloat(), l.r1().getFloat(), l.r2().getFloat()};
                            scope.suppressNotUsedWarning();
                        }
                        // outside the scope: the optimizer's moments are created on the first update and must live on
                        opt.update(params, lr, step);
                    }
                    double loss = values[0];
                    TrainingRun.checkFinite(loss, epoch, b, "try a lower learning rate");
                    lossSum += loss;
                    lossCount++;
                    terms.merge("cross_entropy", (double) values[1], Double::sum);
                    terms.merge("reconstruction", (double) values[2], Double::sum);
                    terms.merge("r1", (double) values[3], Double::sum);
                    terms.merge("r2", (double) values[4], Double::sum);
                    listener.onBatch(epoch + 1, b + 1, loss);
                    if (stop.isRequested() && b + 1 < batches) {
                        checkpoint(run, net, opt, sha, epoch, b + 1, lossSum, lossCount, terms);
                        throw run.interrupted(epoch, b + 1, batches);
                    }
                }
                Map<String, Double> means = TrainingRun.means(terms, lossCount);
                Double valLoss = null;
                if (valRows != null) {
                    Evaluation e = net.evaluateScaled(valRows, valLabels, val.rows());
                    valLoss = e.crossEntropy();
                    means.put("validation_accuracy", e.accuracy());
                }
                run.endEpoch(epoch, opt, schedule, lossSum, lossCount, valLoss, means, e0);
                checkpoint(run, net, opt, sha, epoch + 1, 0, 0, 0, Map.of());
                if (stop.isRequested() && epoch + 1 < cfg.epochs()) {
                    throw run.interrupted(epoch + 1, 0, batches);
                }
            }
            double seconds = run.seconds();
            net.setTrainingRecord(settings, run.provenance(data, sha, split, data.columns(),
                    net.manager().getDevice().toString(), seconds, null, resumed != null));
            return new TrainingResult(run.history(), run.lastEpoch(), false, resumed != null, seconds);
        }
    }

    /** Saves the run's state at (epochsCompleted, nextBatch) when there is a checkpoint directory. */
    private void checkpoint(TrainingRun run, PrototypeNetwork net, AdamOptimizer opt, String sha, int epochsCompleted,
            int nextBatch, double lossSum, int lossCount, Map<String, Double> termSums) {
        run.checkpoint(() -> Checkpoints.save(checkpointDir, new PrototypeCheckpoint(net.config(), settings, sha,
                epochsCompleted, nextBatch, opt.step(), lossSum, lossCount, termSums, run.history(), run.seconds()),
                opt.step(), net.parameters(), opt, null));
    }

    /** DJL-style builder: {@code setConfig} required, the rest optional; checked at {@link #build()}. */
    public static final class Builder {
        private TrainingConfig config;
        private LossWeights weights = LossWeights.PAPER;
        private ElasticDeformation elastic;
        private int elasticFromEpoch = 1;
        private Path checkpointDir;
        private boolean resume;
        private TrainingListener listener = TrainingListener.NONE;
        private StopSignal stop = new StopSignal();

        /** Epochs, batch size, learning rate and schedule, seed, validation fraction. */
        public Builder setConfig(TrainingConfig c) { config = c; return this; }
        /** λ_class, λ_ae, λ₁, λ₂ (default the paper's 20, 1, 1, 1). */
        public Builder optLossWeights(LossWeights w) { weights = w; return this; }
        /** Elastic deformation of training images from epoch {@code fromEpoch} (1-based) on; null for none (default). */
        public Builder optElastic(ElasticDeformation e, int fromEpoch) { elastic = e; elasticFromEpoch = fromEpoch; return this; }
        public Builder optCheckpointDir(Path dir) { checkpointDir = dir; return this; }
        public Builder optResume(boolean r) { resume = r; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        public Builder optStopSignal(StopSignal s) { stop = s; return this; }
        /** Restores every setting from a checkpoint's record. */
        public Builder fromSettings(PrototypeTraining t) {
            config = t.optimizer();
            weights = t.lossWeights();
            elastic = t.elastic();
            elasticFromEpoch = t.elasticFromEpoch();
            return this;
        }

        public PrototypeTrainer build() {
            if (config == null) {
                throw new BottleneckException("training settings must be set (setConfig: a TrainingConfig)");
            }
            if (config.patience() > 0) {
                throw new BottleneckException("early stopping (patience " + config.patience()
                        + ") is not available for prototype networks; use patience 0 and choose the epochs");
            }
            if (weights == null) {
                throw new BottleneckException("loss weights must not be null (use LossWeights.PAPER)");
            }
            weights.validate();
            if (elastic != null) {
                elastic.validate();
                if (elasticFromEpoch < 1) {
                    throw new BottleneckException("the first elastic-deformation epoch must be ≥ 1, got " + elasticFromEpoch);
                }
            }
            if (resume && checkpointDir == null) {
                throw new BottleneckException("resuming needs a checkpoint directory (optCheckpointDir)");
            }
            if (listener == null || stop == null) {
                throw new BottleneckException("listener and stop signal must not be null");
            }
            return new PrototypeTrainer(this);
        }
    }
}

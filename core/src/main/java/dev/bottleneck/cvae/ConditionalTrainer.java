package dev.bottleneck.cvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.Hashes;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.model.Provenance;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minibatch Adam for a {@link ConditionalVae} on (x, y) rows, with the shared {@link Trainer}'s
 * conventions and pieces: {@link TrainingConfig} settings, {@link AdamOptimizer} and {@link
 * LearningRateSchedule}, the same seeded split ({@link Split}), per-epoch row order ({@link
 * Trainer#permutation}) and engine reseeding, early stopping that keeps the best epoch's weights,
 * a {@link TrainingListener} for progress, {@link Provenance} in the saved config, and one
 * sub-manager per step so memory stays flat.
 *
 * <p>Why a loop of its own: the shared trainer drives an {@link dev.bottleneck.model.Autoencoder}
 * (one input, its scaler, its forward pass); a conditional model has two inputs and its own
 * objective. What this loop does not have: checkpoints and resume. A stop request (Ctrl-C) ends
 * training after the current step and returns normally, the model holding the weights trained
 * so far (or the best epoch's), so finished work is kept; {@link TrainingResult#history()} says
 * how many epochs ran.
 */
public final class ConditionalTrainer {
    private final TrainingConfig config;
    private final TrainingListener listener;
    private final StopSignal stop;

    private ConditionalTrainer(Builder b) {
        this.config = b.config;
        this.listener = b.listener;
        this.stop = b.stop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains on {@code pairs}: rows of x then y ({@link QuadrantTask#pairs} makes them from
     * images), values in [0, 1] for y. Pixels are used as they are (no scaler).
     */
    public TrainingResult fit(ConditionalVae model, Table pairs) {
        try {
            return run(model, pairs);
        } finally {
            stop.markFinished();
        }
    }

    private TrainingResult run(ConditionalVae model, Table pairs) {
        ConditionalSpec spec = model.spec();
        int dx = spec.inputWidth();
        int d = dx + spec.outputWidth();
        if (pairs.cols() != d) {
            throw new BottleneckException(pairs.source() + " has " + pairs.cols() + " columns but the model expects "
                    + d + " (" + dx + " of x, then " + spec.outputWidth() + " of y)");
        }
        Split split = Split.of(pairs, config.validationFraction(), config.seed());
        Table train = split.train();
        Table val = split.validation();
        if (train.rows() < 1) {
            throw new BottleneckException("there are no training rows left after holding out " + val.rows()
                    + " for validation (the data has " + pairs.rows() + " rows)");
        }
        float[] rows = train.values();
        int n = train.rows();
        int batch = Math.min(config.batchSize(), n);
        int batches = (n + batch - 1) / batch;
        LearningRateSchedule schedule = new LearningRateSchedule(config, (long) batches * config.epochs());
        Map<String, Parameter> params = model.parameters();
        List<EpochRecord> history = new ArrayList<>();
        Double best = null;
        int bestEpoch = 0;
        int bad = 0;
        byte[] bestWeights = null;
        boolean stoppedEarly = false;
        long t0 = System.nanoTime();
        float[] buf = new float[batch * d];
        try (AdamOptimizer opt = new AdamOptimizer(config, model.manager())) {
            for (int epoch = 0; epoch < config.epochs() && !stop.isRequested(); epoch++) {
                long e0 = System.nanoTime();
                int[] order = Trainer.permutation(n, config.seed(), epoch);
                // reseeded per epoch as the shared trainer does, so sampling is reproducible
                Engines.seed(config.seed() * 1_000_003L + epoch * 7919L);
                listener.onEpochStart(epoch + 1, config.epochs(), batches, 0);
                double lossSum = 0;
                int lossCount = 0;
                Map<String, Double> termSums = new LinkedHashMap<>();
                for (int b = 0; b < batches && !stop.isRequested(); b++) {
                    int from = b * batch;
                    int count = Math.min(batch, n - from);
                    train.copyRows(order, from, count, buf);
                    double loss;
                    try (NDManager step = model.manager().newSubManager()) {
                        NDArray xy = step.create(count == batch ? buf : java.util.Arrays.copyOf(buf, count * d),
                                new Shape(count, d));
                        NDArray x = xy.get(new NDIndex(":, 0:{}", dx));
                        NDArray y = xy.get(new NDIndex(":, {}:", dx));
                        model.setTrainingStep(opt.step());
                        ConditionalVae.Loss l;
                        try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                            l = model.loss(x, y, true);
                            gc.backward(l.total());
                        }
                        opt.update(params, schedule.at(opt.step()), step);
                        loss = l.total().getFloat();
                        for (Map.Entry<String, NDArray> t : l.terms().entrySet()) {
                            termSums.merge(t.getKey(), (double) t.getValue().getFloat(), Double::sum);
                        }
                    }
                    if (!Double.isFinite(loss)) {
                        throw new BottleneckException("training diverged: the loss became " + loss + " at epoch "
                                + (epoch + 1) + ", batch " + (b + 1) + " (try a lower --lr or --clip-norm)");
                    }
                    lossSum += loss;
                    lossCount++;
                    listener.onBatch(epoch + 1, b + 1, loss);
                }
                if (lossCount < batches) {
                    break; // stopped inside the epoch: it is not recorded as finished
                }
                Double valLoss = val.rows() > 0 ? validationLoss(model, val) : null;
                Map<String, Double> terms = new LinkedHashMap<>();
                final int steps = lossCount;
                termSums.forEach((k, v) -> terms.put(k, v / steps));
                EpochRecord rec = new EpochRecord(epoch + 1, opt.step(), lossSum / lossCount, valLoss, terms,
                        schedule.at(Math.max(0, opt.step() - 1)), (System.nanoTime() - e0) / 1e9);
                history.add(rec);
                listener.onEpochEnd(rec, config.epochs());
                if (valLoss != null && (best == null || valLoss < best - config.minDelta())) {
                    best = valLoss;
                    bestEpoch = epoch + 1;
                    bad = 0;
                    if (config.patience() > 0) {
                        bestWeights = ModelFiles.weightsBytes(params);
                    }
                } else if (valLoss != null) {
                    bad++;
                }
                if (config.patience() > 0 && bad >= config.patience()) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        int kept = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        if (bestWeights != null) {
            ModelFiles.loadWeights(params, bestWeights, "the best-epoch snapshot");
            kept = bestEpoch;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        model.setTrainingRecord(config, new Provenance(pairs.source(), hashOf(pairs), train.rows(), val.rows(), null,
                pairs.labelColumn().orElse(null), config.seed(), Instant.now().toString(), Version.get(),
                Engines.describe(), System.getProperty("java.version"), model.manager().getDevice().toString(),
                history.size(), seconds, best, false));
        return new TrainingResult(history, kept, stoppedEarly, false, seconds);
    }

    /** Mean of {@link ConditionalVae#validationLoss} over the rows, in inference mode. */
    private static double validationLoss(ConditionalVae model, Table val) {
        Engines.inferenceMode();
        int dx = model.spec().inputWidth();
        int d = val.cols();
        float[] all = val.values();
        double sum = 0;
        int chunk = 1024;
        // no need to restore grad mode afterwards: each training step's GradientCollector turns it on
        for (int start = 0; start < val.rows(); start += chunk) {
            int m = Math.min(chunk, val.rows() - start);
            try (NDManager sub = model.manager().newSubManager()) {
                NDArray xy = sub.create(java.util.Arrays.copyOfRange(all, start * d, (start + m) * d), new Shape(m, d));
                NDArray loss = model.validationLoss(xy.get(new NDIndex(":, 0:{}", dx)), xy.get(new NDIndex(":, {}:", dx)));
                sum += loss.sum().getFloat();
            }
        }
        return sum / val.rows();
    }

    private static String hashOf(Table data) {
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
        private TrainingListener listener = TrainingListener.NONE;
        private StopSignal stop = new StopSignal();

        public Builder setConfig(TrainingConfig c) { config = c; return this; }
        public Builder optListener(TrainingListener l) { listener = l; return this; }
        /** A stop request ends training after the current step, keeping the weights trained so far. */
        public Builder optStopSignal(StopSignal s) { stop = s; return this; }

        public ConditionalTrainer build() {
            if (config == null) {
                throw new BottleneckException("a training config must be set (setConfig)");
            }
            if (listener == null || stop == null) {
                throw new BottleneckException("listener and stop signal must not be null");
            }
            return new ConditionalTrainer(this);
        }
    }
}

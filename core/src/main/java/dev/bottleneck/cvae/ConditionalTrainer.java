package dev.bottleneck.cvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingResult;
import dev.bottleneck.train.TrainingRun;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minibatch Adam for a {@link ConditionalVae} on (x, y) rows, with the shared {@link Trainer}'s
 * conventions and pieces: {@link TrainingConfig} settings, {@link AdamOptimizer} and {@link
 * LearningRateSchedule}, per-epoch row order ({@link Trainer#permutation}), and {@link
 * TrainingRun} for the seeded split, engine reseeding, epoch records, early stopping that keeps
 * the best epoch's weights and the provenance in the saved config; one sub-manager per step so
 * memory stays flat.
 *
 * <p>Why a loop of its own: the shared trainer drives an {@link dev.bottleneck.model.Autoencoder}
 * (one input, its scaler, its forward pass); a conditional model has two inputs and its own
 * objective. What this loop does not have: checkpoints and resume. A stop request (Ctrl-C) ends
 * training after the current step and returns normally, the model holding the weights trained
 * so far (or the best epoch's), so finished work is kept; {@link TrainingResult#history()} says
 * how many epochs ran. As in the shared trainer, a {@link StopSignal} whose caller finishes it is
 * left unmarked, so a command line can save the model before the JVM exits.
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
        return TrainingRun.finishing(stop, () -> run(model, pairs));
    }

    private TrainingResult run(ConditionalVae model, Table pairs) {
        ConditionalSpec spec = model.spec();
        int dx = spec.inputWidth();
        int d = dx + spec.outputWidth();
        if (pairs.cols() != d) {
            throw new BottleneckException(pairs.source() + " has " + pairs.cols() + " columns but the model expects "
                    + d + " (" + dx + " of x, then " + spec.outputWidth() + " of y)");
        }
        TrainingRun run = new TrainingRun(config, null, listener);
        Split split = run.split(pairs);
        Table train = split.train();
        Table val = split.validation();
        int n = train.rows();
        int batch = Math.min(config.batchSize(), n);
        int batches = (n + batch - 1) / batch;
        LearningRateSchedule schedule = new LearningRateSchedule(config, (long) batches * config.epochs());
        Map<String, Parameter> params = model.parameters();
        byte[] bestWeights = null;
        boolean stoppedEarly = false;
        run.startClock();
        float[] buf = new float[batch * d];
        try (AdamOptimizer opt = new AdamOptimizer(config, model.manager())) {
            for (int epoch = 0; epoch < config.epochs() && !stop.isRequested(); epoch++) {
                long e0 = System.nanoTime();
                int[] order = Trainer.permutation(n, config.seed(), epoch);
                // reseeded per epoch as the shared trainer does, so sampling is reproducible
                run.seedEngine(epoch, 0);
                run.beginEpoch(epoch, batches);
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
                    TrainingRun.checkFinite(loss, epoch, b, "try a lower --lr or --clip-norm");
                    lossSum += loss;
                    lossCount++;
                    listener.onBatch(epoch + 1, b + 1, loss);
                }
                if (lossCount < batches) {
                    break; // stopped inside the epoch: it is not recorded as finished
                }
                Double valLoss = val.rows() > 0 ? validationLoss(model, val) : null;
                run.endEpoch(epoch, opt, schedule, lossSum, lossCount, valLoss, TrainingRun.means(termSums, lossCount), e0);
                if (run.improved(valLoss, epoch) && config.patience() > 0) {
                    bestWeights = ModelFiles.weightsBytes(params);
                }
                if (run.patienceRunOut()) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        int kept = run.lastEpoch();
        if (bestWeights != null) {
            ModelFiles.loadWeights(params, bestWeights, "the best-epoch snapshot");
            kept = run.bestEpoch();
        }
        double seconds = run.seconds();
        model.setTrainingRecord(config, run.provenance(pairs, Trainer.hashOf(pairs), split, null,
                model.manager().getDevice().toString(), seconds, run.best(), false));
        return new TrainingResult(run.history(), kept, stoppedEarly, false, seconds);
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

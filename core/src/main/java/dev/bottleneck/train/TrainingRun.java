package dev.bottleneck.train;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.data.Split;
import dev.bottleneck.data.Table;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Provenance;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The bookkeeping of one training run, shared by every minibatch loop ({@link Trainer}, the
 * conditional and the prototype trainers): the seeded split, the refusal to resume on other data,
 * the state carried over from a checkpoint, per-epoch engine seeding, the divergence check, the
 * epoch record and its listener call, best-epoch tracking for early stopping, checkpoint notices,
 * the stop message and the run's provenance.
 *
 * <p>Why a helper and not one loop: the trainers' steps differ (one input and a scaler, (x, y)
 * pairs, labelled rows with deformation) and so do their checkpoints; what is the same lives here
 * once, so the conventions (seeds, messages, records) cannot drift apart. One instance per
 * {@code fit} call; not thread-safe.
 */
public final class TrainingRun {
    private final TrainingConfig config;
    private final Path checkpointDir;
    private final TrainingListener listener;
    private final List<EpochRecord> history = new ArrayList<>();
    private int startEpoch;
    private int startBatch;
    private double carriedLoss;
    private int carriedBatches;
    private double priorSeconds;
    private long t0 = System.nanoTime();
    private Double best;
    private int bestEpoch;
    private int bad;

    /**
     * @param checkpointDir where checkpoints go, or null for none
     */
    public TrainingRun(TrainingConfig config, Path checkpointDir, TrainingListener listener) {
        this.config = config;
        this.checkpointDir = checkpointDir;
        this.listener = listener;
    }

    /**
     * Runs a trainer's {@code fit} body and then marks {@code stop} finished, unless the caller
     * said it marks it itself (so a command line can save its output before the JVM exits).
     */
    public static <T> T finishing(StopSignal stop, Supplier<T> body) {
        try {
            return body.get();
        } finally {
            if (!stop.callerFinishes()) {
                stop.markFinished();
            }
        }
    }

    /** The seeded train/validation split; refuses one that leaves no training rows. */
    public Split split(Table data) {
        Split split = Split.of(data, config.validationFraction(), config.seed());
        if (split.train().rows() < 1) {
            throw new BottleneckException("there are no training rows left after holding out "
                    + split.validation().rows() + " for validation (the data has " + data.rows() + " rows)");
        }
        return split;
    }

    /** Refuses to resume a checkpoint that was trained on other data (when both hashes are known). */
    public void checkSameData(String checkpointSha, String sha) {
        if (checkpointSha != null && sha != null && !checkpointSha.equals(sha)) {
            throw new BottleneckException("cannot resume from " + checkpointDir
                    + ": it was trained on different data (SHA-256 " + checkpointSha.substring(0, 12)
                    + "…, this file has " + sha.substring(0, 12) + "…)");
        }
    }

    /** Continues from a checkpoint: where it stopped, the partial epoch's loss, its history and time. */
    public void resume(int epochsCompleted, int nextBatch, double epochLossSum, int epochBatches,
            List<EpochRecord> done, double seconds) {
        startEpoch = epochsCompleted;
        startBatch = nextBatch;
        carriedLoss = epochLossSum;
        carriedBatches = epochBatches;
        history.addAll(done);
        priorSeconds = seconds;
    }

    /** Also continues early stopping's state from a checkpoint. */
    public void resumeBest(Double bestLoss, int epoch, int badEpochs) {
        best = bestLoss;
        bestEpoch = epoch;
        bad = badEpochs;
    }

    /** Starts the run's clock (set-up before this, such as restoring a checkpoint, is not counted). */
    public void startClock() {
        t0 = System.nanoTime();
    }

    /** Training wall time so far, the resumed run's included. */
    public double seconds() {
        return priorSeconds + (System.nanoTime() - t0) / 1e9;
    }

    /** The first epoch (0-based) this run trains. */
    public int startEpoch() {
        return startEpoch;
    }

    /**
     * Begins epoch {@code epoch} (0-based): tells the listener and returns the first batch to run
     * (the resume point in the first epoch, else 0).
     */
    public int beginEpoch(int epoch, int batches) {
        int first = epoch == startEpoch ? startBatch : 0;
        listener.onEpochStart(epoch + 1, config.epochs(), batches, first);
        return first;
    }

    /** The loss sum carried into {@code epoch} from a checkpoint taken inside it, else 0. */
    public double carriedLoss(int epoch) {
        return epoch == startEpoch ? carriedLoss : 0;
    }

    /** The batches carried into {@code epoch} from a checkpoint taken inside it, else 0. */
    public int carriedBatches(int epoch) {
        return epoch == startEpoch ? carriedBatches : 0;
    }

    /**
     * Reseeds the engine's generator (dropout, noise, sampling) from (seed, epoch, offset), so a
     * resumed run draws exactly what the uninterrupted run would.
     */
    public void seedEngine(int epoch, long offset) {
        Engines.seed(config.seed() * 1_000_003L + epoch * 7919L + offset);
    }

    /** Stops with a clear message when a batch's loss is NaN or infinite; {@code hint} says what to try. */
    public static void checkFinite(double loss, int epoch, int batch, String hint) {
        if (!Double.isFinite(loss)) {
            throw new BottleneckException("training diverged: the loss became " + loss + " at epoch " + (epoch + 1)
                    + ", batch " + (batch + 1) + " (" + hint + ")");
        }
    }

    /** Each term's sum divided by the epoch's batch count: the terms' means. */
    public static Map<String, Double> means(Map<String, Double> sums, int batches) {
        Map<String, Double> means = new LinkedHashMap<>();
        for (Map.Entry<String, Double> t : sums.entrySet()) {
            means.put(t.getKey(), t.getValue() / Math.max(1, batches));
        }
        return means;
    }

    /**
     * Ends epoch {@code epoch} (0-based): records it in the history, with the learning rate of the
     * epoch's last step and its wall time since {@code epochStartNanos}, and tells the listener.
     */
    public EpochRecord endEpoch(int epoch, AdamOptimizer opt, LearningRateSchedule schedule, double lossSum,
            int lossCount, Double validationLoss, Map<String, Double> termMeans, long epochStartNanos) {
        EpochRecord rec = new EpochRecord(epoch + 1, opt.step(), lossSum / Math.max(1, lossCount), validationLoss,
                termMeans, schedule.at(Math.max(0, opt.step() - 1)), (System.nanoTime() - epochStartNanos) / 1e9);
        history.add(rec);
        listener.onEpochEnd(rec, config.epochs());
        return rec;
    }

    /**
     * Early stopping's bookkeeping for epoch {@code epoch} (0-based): true when {@code
     * validationLoss} beats the best by more than the config's min-delta (the caller then keeps a
     * snapshot of the weights), else counts a bad epoch. Without validation nothing changes.
     */
    public boolean improved(Double validationLoss, int epoch) {
        if (validationLoss == null) {
            return false;
        }
        if (best == null || validationLoss < best - config.minDelta()) {
            best = validationLoss;
            bestEpoch = epoch + 1;
            bad = 0;
            return true;
        }
        bad++;
        return false;
    }

    /** Whether early stopping's patience has run out. */
    public boolean patienceRunOut() {
        return config.patience() > 0 && bad >= config.patience();
    }

    public Double best() {
        return best;
    }

    /** The best epoch (1-based), 0 for none. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public int badEpochs() {
        return bad;
    }

    /** The finished epochs (live view). */
    public List<EpochRecord> history() {
        return Collections.unmodifiableList(history);
    }

    /** The last finished epoch (1-based), 0 for none. */
    public int lastEpoch() {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
    }

    /** Writes a checkpoint with {@code save} and tells the listener; does nothing without a checkpoint directory. */
    public void checkpoint(Runnable save) {
        if (checkpointDir == null) {
            return;
        }
        save.run();
        listener.onCheckpoint(checkpointDir);
    }

    /** The exception that ends a stopped run, saying where it stopped and where the checkpoint is. */
    public TrainingInterruptedException interrupted(int epoch, int batch, int batches) {
        String where = batch == 0 ? "after epoch " + epoch : "in epoch " + (epoch + 1) + " after batch " + batch + " of " + batches;
        return new TrainingInterruptedException("training stopped " + where
                + (checkpointDir != null ? "; checkpoint saved in " + checkpointDir + " (continue with --resume)" : ""));
    }

    /**
     * The run's provenance for the saved model.
     *
     * @param columns the data's column names, or null when they mean nothing to the model
     * @param device the device trained on
     */
    public Provenance provenance(Table data, String sha, Split split, List<String> columns, String device,
            double seconds, Double bestLoss, boolean resumed) {
        return new Provenance(data.source(), sha, split.train().rows(), split.validation().rows(), columns,
                data.labelColumn().orElse(null), config.seed(), Instant.now().toString(), Version.get(),
                Engines.describe(), System.getProperty("java.version"), device, history.size(), seconds, bestLoss,
                resumed);
    }
}

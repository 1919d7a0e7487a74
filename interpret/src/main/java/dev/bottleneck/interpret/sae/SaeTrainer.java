package dev.bottleneck.interpret.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingInterruptedException;
import dev.bottleneck.train.TrainingListener;
import dev.bottleneck.train.TrainingRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains an SAE on an activation store's training split, as in Gao et al. (2024) and EleutherAI's
 * sparsify: loss = FVU of the batch (squared error over the batch's variance around its mean; for
 * a transcoder, of the target), plus for the TopK family the AuxK term (the top {@code aux_k} dead
 * latents reconstruct the residual, scaled by min(dead / aux_k, 1)), for ReLU the
 * decoder-norm-weighted L1, for JumpReLU λ·L0 (mean active latents per token, with
 * straight-through gradients for the thresholds). BatchTopK's inference threshold follows the
 * smallest activation each batch keeps (see {@link SparseAutoencoder#updateThreshold}). Adam with the
 * configured warm-up and schedule; after each step the decoder's rows are put back on the unit
 * sphere, and beforehand the gradient component along each row is removed (it would only change
 * the norm). Latents are dead when they have not fired for {@code dead_tokens} tokens.
 *
 * <p>Checkpoints ({@link dev.bottleneck.train.Checkpoints}' format, state in {@link SaeCheckpoint})
 * hold the SAE, Adam's moments and step, the dead-latent counters and BatchTopK's threshold count;
 * each epoch's batch order is seeded by (seed, epoch), so a resumed run takes exactly the steps the
 * uninterrupted run would.
 */
public final class SaeTrainer {
    /** The dead-latent counters' tensor in a checkpoint's weights. */
    static final String SINCE_FIRED = "since_fired";

    private final TrainingConfig config;
    private final TrainingListener listener;
    private final StopSignal stop;
    private final long maxRows;
    private final Path checkpointDir;
    private final boolean resume;

    private SaeTrainer(Builder b) {
        this.config = b.config;
        this.listener = b.listener;
        this.stop = b.stop;
        this.maxRows = b.maxRows;
        this.checkpointDir = b.checkpointDir;
        this.resume = b.resume;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains on a store's training split (its paired target rows for a transcoder). */
    public SaeTrainingResult fit(SparseAutoencoder sae, ActivationStore store) {
        return fit(sae, new StoreTrainingData(store, sae.config(), config.batchSize(), maxRows));
    }

    /**
     * Trains on batches from {@code data} (a store, or sentences for gradient TopK). With a
     * checkpoint directory, a checkpoint is written at every epoch's end and, on a stop request,
     * after the step in progress; the stop then ends the run with {@link TrainingInterruptedException}
     * (saying where the checkpoint is). Without one, a stop returns the SAE as trained so far
     * ({@link SaeTrainingResult#interrupted()}).
     */
    public SaeTrainingResult fit(SparseAutoencoder sae, SaeTrainingData data) {
        return TrainingRun.finishing(stop, () -> run(sae, data));
    }

    private SaeTrainingResult run(SparseAutoencoder sae, SaeTrainingData data) {
        SaeConfig c = sae.config();
        NDManager manager = sae.manager();
        int batches = data.batchesPerEpoch();
        LearningRateSchedule schedule = new LearningRateSchedule(config, (long) batches * config.epochs());
        String source = data.replayableSource();
        if (checkpointDir != null && source == null) {
            throw new BottleneckException(c.architecture().id() + " trains on batches that cannot be replayed (MiniLM is"
                    + " run on each), so its runs cannot be checkpointed or resumed");
        }
        String fingerprint = checkpointDir == null ? null : data.fingerprint();
        SaeCheckpoint resumed = null;
        if (resume) {
            resumed = Checkpoints.readState(checkpointDir, SaeCheckpoint.class);
            checkResumable(resumed, c, fingerprint, source);
        }
        TrainingRun run = new TrainingRun(config, checkpointDir, listener);
        boolean interrupted = false;
        double deadFraction = 0;
        try (AdamOptimizer adam = new AdamOptimizer(config, manager);
                NDManager state = manager.newSubManager()) {
            Progress p = new Progress();
            p.sinceFired = state.zeros(new Shape(c.dSae()));
            if (resumed != null) {
                SaeCheckpoint s = resumed;
                Map<String, Parameter> all = withCounters(sae, p.sinceFired);
                try (NDManager tmp = manager.newSubManager()) {
                    NoGrad.run(() -> Checkpoints.restore(checkpointDir, all, adam, s.step(), tmp));
                }
                sae.restoreThresholdUpdates(s.thresholdUpdates());
                run.resume(s.epochsCompleted(), s.nextBatch(), 0, 0, s.history(), s.seconds());
                p.restore(s);
            }
            run.startClock();
            for (int e = run.startEpoch(); e < config.epochs(); e++) {
                int epoch = e + 1;
                long epochStart = System.nanoTime();
                // the batch order is a function of (seed, epoch), so a resumed run replays it
                SaeTrainingData.Epoch pass = data.epoch(config.seed() * 1000 + epoch);
                int first = run.beginEpoch(e, batches);
                if (first > 0) {
                    pass.skip(first);
                } else {
                    p.startEpoch();
                }
                int b = first;
                double lr = 0;
                while (pass.hasNext()) {
                    try (NDManager step = manager.newSubManager()) {
                        lr = step(sae, pass.next(step, sae), adam, schedule, p, state, step);
                    }
                    b++;
                    listener.onBatch(epoch, p.n, p.lastLoss);
                    if (stop.isRequested() && pass.hasNext()) {
                        if (checkpointDir != null) {
                            checkpoint(run, sae, adam, p, source, fingerprint, e, b);
                            throw run.interrupted(e, b, batches);
                        }
                        interrupted = true;
                        break;
                    }
                }
                deadFraction = deadFraction(p.sinceFired, c, state);
                Map<String, Double> t = new LinkedHashMap<>();
                t.put("fvu", p.fvu / Math.max(1, p.n));
                t.put(c.architecture().penaltyName(), p.aux / Math.max(1, p.n));
                t.put("l0", p.l0 / Math.max(1, p.n));
                t.put("dead", deadFraction);
                if (c.architecture() == SaeArchitecture.BATCHTOPK) {
                    t.put("threshold", (double) sae.array("threshold").getFloat(0));
                }
                run.endEpoch(e, adam, schedule, p.loss, p.n, null, t, epochStart);
                if (interrupted) {
                    break;
                }
                checkpoint(run, sae, adam, p, source, fingerprint, e + 1, 0);
                if (stop.isRequested() && e + 1 < config.epochs()) {
                    if (checkpointDir != null) {
                        throw run.interrupted(e + 1, 0, batches);
                    }
                    interrupted = true;
                    break;
                }
            }
            deadFraction = deadFraction(p.sinceFired, c, state);
            double seconds = run.seconds();
            return new SaeTrainingResult(run.history(), adam.step(), p.tokens, seconds,
                    p.tokens / Math.max(1e-9, seconds), deadFraction, interrupted);
        }
    }

    /** One optimizer step on {@code batch}; returns its learning rate. */
    private double step(SparseAutoencoder sae, SaeBatch batch, AdamOptimizer adam, LearningRateSchedule schedule,
            Progress p, NDManager state, NDManager step) {
        SaeConfig c = sae.config();
        NDArray x = batch.input();
        NDArray y = batch.target();
        long rows = x.getShape().get(0);
        NDArray dead = p.sinceFired.gte((float) c.deadTokens());
        dead.attach(step);
        int numDead = (int) dead.toType(DataType.FLOAT32, false).sum().getFloat();
        float[] terms;
        NDArray code;
        NDArray batchCut = null;
        try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
            SaeForward f = sae.trainingForward(x, batch.gradient());
            NDArray e = f.reconstruction().sub(y);
            NDArray variance = y.sub(y.mean(new int[] {0}, true)).square().sum();
            NDArray fvu = e.square().sum().div(variance);
            NDArray penalty = penalty(sae, f, step);
            NDArray loss = penalty == null ? fvu : fvu.add(penalty);
            gc.backward(loss);
            float fvuValue = fvu.getFloat();
            float penaltyValue = penalty == null ? 0f : penalty.getFloat();
            if (c.architecture().usesK() && numDead > 0 && c.auxK() > 0) {
                penaltyValue = AuxKLoss.addGradients(sae, x, f.pre(), dead, e, variance, numDead);
            }
            code = f.code().stopGradient();
            batchCut = f.batchCut();
            terms = new float[] {fvuValue + penaltyValue, fvuValue, penaltyValue};
        }
        // counted on the boolean mask: converting the whole (rows × latents) mask to floats costs a pass
        NDArray firedPerLatent = code.gt(0f).sum(new int[] {0}).toType(DataType.FLOAT32, false);
        p.l0 += firedPerLatent.sum().getFloat() / rows;
        if (batchCut != null) {
            sae.updateThreshold(TopKSelection.smallestKept(code, batchCut));
        }
        // silent·(since + rows), computed from step arrays so nothing new lands in the state manager
        NDArray silent = firedPerLatent.eq(0f).toType(DataType.FLOAT32, false);
        NDArray next = silent.mul((float) rows).add(silent.mul(p.sinceFired));
        next.attach(state);
        p.sinceFired.close();
        p.sinceFired = next;
        removeParallelGradient(sae, step);
        double lr = schedule.at(adam.step());
        adam.update(sae.parameters(), lr, step);
        normaliseDecoder(sae, step);
        p.lastLoss = terms[0];
        p.loss += terms[0];
        p.fvu += terms[1];
        p.aux += terms[2];
        p.n++;
        p.tokens += rows;
        return lr;
    }

    private static double deadFraction(NDArray sinceFired, SaeConfig c, NDManager state) {
        try (NDManager scratch = state.newSubManager()) {
            // made from sinceFired, these would live on `state` until the run ends
            NDArray dead = sinceFired.gte((float) c.deadTokens());
            dead.attach(scratch);
            return dead.toType(DataType.FLOAT32, false).mean().getFloat();
        }
    }

    /** Saves the run's state at (epochsCompleted, nextBatch) when there is a checkpoint directory. */
    private void checkpoint(TrainingRun run, SparseAutoencoder sae, AdamOptimizer adam, Progress p, String source,
            String fingerprint, int epochsCompleted, int nextBatch) {
        run.checkpoint(() -> Checkpoints.save(checkpointDir, new SaeCheckpoint(sae.config(), config, source, fingerprint,
                epochsCompleted, nextBatch, adam.step(), p.tokens, sae.thresholdUpdates(),
                nextBatch == 0 ? Map.of() : p.sums(), nextBatch == 0 ? 0 : p.n, run.history(), run.seconds()),
                adam.step(), withCounters(sae, p.sinceFired), adam, null));
    }

    /** The SAE's tensors plus the dead-latent counters, as written to (and read from) a checkpoint. */
    private static Map<String, Parameter> withCounters(SparseAutoencoder sae, NDArray sinceFired) {
        Map<String, Parameter> all = new LinkedHashMap<>(sae.parameters());
        Parameter counters = Parameter.builder().setName(SINCE_FIRED).setType(Parameter.Type.OTHER)
                .optRequiresGrad(false).build();
        counters.setArray(sinceFired);
        all.put(SINCE_FIRED, counters);
        return all;
    }

    /** Refuses, in one sentence, a checkpoint of another store or other settings. */
    private void checkResumable(SaeCheckpoint s, SaeConfig c, String fingerprint, String source) {
        if (s.dataFingerprint() != null && !s.dataFingerprint().equals(fingerprint)) {
            throw new BottleneckException("cannot resume from " + checkpointDir + ": it was trained on " + s.data()
                    + ", not on " + source + " (resume on the same store with the same --max-rows)");
        }
        List<String> diff = new ArrayList<>();
        differences(s.sae(), c, diff);
        differences(s.training(), config, diff);
        if (!diff.isEmpty()) {
            throw new BottleneckException("cannot resume from " + checkpointDir + ": it was trained with other settings ("
                    + String.join("; ", diff) + "); resume with the options of the stopped run");
        }
    }

    /** Adds "field: checkpoint's value in the checkpoint, now ours" for each field of two records that differs. */
    private static void differences(Object there, Object here, List<String> out) {
        JsonNode a = Json.mapper().valueToTree(there);
        JsonNode b = Json.mapper().valueToTree(here);
        a.fieldNames().forEachRemaining(f -> {
            if (!a.get(f).equals(b.get(f))) {
                out.add(f + " " + a.get(f) + " in the checkpoint, " + b.get(f) + " now");
            }
        });
    }

    /** What one run has done so far: the dead-latent counters, tokens, and the current epoch's sums. */
    private static final class Progress {
        NDArray sinceFired;
        long tokens;
        double loss;
        double fvu;
        double aux;
        double l0;
        int n;
        double lastLoss;

        void startEpoch() {
            loss = 0;
            fvu = 0;
            aux = 0;
            l0 = 0;
            n = 0;
        }

        Map<String, Double> sums() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", loss);
            m.put("fvu", fvu);
            m.put("penalty", aux);
            m.put("l0", l0);
            return m;
        }

        void restore(SaeCheckpoint s) {
            tokens = s.tokens();
            Map<String, Double> m = s.epochSums() == null ? Map.of() : s.epochSums();
            loss = m.getOrDefault("loss", 0.0);
            fvu = m.getOrDefault("fvu", 0.0);
            aux = m.getOrDefault("penalty", 0.0);
            l0 = m.getOrDefault("l0", 0.0);
            n = s.epochBatches();
        }
    }

    /**
     * The loss term beside the FVU that autograd differentiates, or null: the decoder-norm-weighted
     * L1 for ReLU, λ·(mean active latents per token) for JumpReLU, whose step function carries the
     * pseudo-gradient for θ. (The TopK family's AuxK term adds its gradients by hand after the
     * backward pass: {@link AuxKLoss}.)
     */
    private static NDArray penalty(SparseAutoencoder sae, SaeForward f, NDManager step) {
        SaeConfig c = sae.config();
        long rows = f.pre().getShape().get(0);
        return switch (c.architecture()) {
            case RELU -> {
                NDArray norms = sae.array("W_dec").norm(new int[] {1});
                norms.attach(step);
                yield f.code().mul(norms).sum().div(rows).div((float) c.dIn()).mul((float) c.l1Coefficient());
            }
            case JUMPRELU -> JumpRelu.step(f.pre(), sae.threshold(step), c.bandwidth()).sum().div(rows)
                    .mul((float) c.l0Coefficient());
            case TOPK, BATCHTOPK, GTOPK -> null;
        };
    }

    /** Removes each decoder row's gradient component along the row (it would only change the norm). */
    private static void removeParallelGradient(SparseAutoencoder sae, NDManager step) {
        NDArray w = sae.array("W_dec");
        if (!w.hasGradient()) {
            return;
        }
        NDArray g = w.getGradient();
        g.attach(step); // the wrapper and everything computed from it are freed with the step
        NoGrad.run(() -> g.subi(g.mul(w).sum(new int[] {1}, true).mul(w)));
    }

    private static void normaliseDecoder(SparseAutoencoder sae, NDManager step) {
        NDArray w = sae.array("W_dec");
        NoGrad.run(() -> {
            NDArray norm = w.norm(new int[] {1}, true);
            norm.attach(step);
            w.divi(norm.maximum(1e-12f));
        });
    }

    /** Settings of a run; {@code set*} are required. */
    public static final class Builder {
        private TrainingConfig config;
        private TrainingListener listener = new TrainingListener() { };
        private StopSignal stop = new StopSignal();
        private long maxRows;
        private Path checkpointDir;
        private boolean resume;

        public Builder setConfig(TrainingConfig config) {
            this.config = config;
            return this;
        }

        public Builder optListener(TrainingListener l) {
            this.listener = l;
            return this;
        }

        public Builder optStopSignal(StopSignal s) {
            this.stop = s;
            return this;
        }

        /** Train on at most this many rows of the store per epoch (≤ 0: all). */
        public Builder optMaxRows(long n) {
            this.maxRows = n;
            return this;
        }

        /** Where checkpoints go (replaced every epoch and on a stop request); none are written without it. */
        public Builder optCheckpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /** Continue from the checkpoint in the checkpoint directory (same data and settings). */
        public Builder optResume(boolean r) {
            this.resume = r;
            return this;
        }

        public SaeTrainer build() {
            if (config == null) {
                throw new BottleneckException("training config must be set (setConfig)");
            }
            if (resume && checkpointDir == null) {
                throw new BottleneckException("resuming needs a checkpoint directory (optCheckpointDir)");
            }
            return new SaeTrainer(this);
        }
    }
}

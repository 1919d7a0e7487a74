package dev.bottleneck.interpret.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.StopSignal;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;

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
 */
public final class SaeTrainer {
    private final TrainingConfig config;
    private final TrainingListener listener;
    private final StopSignal stop;
    private final long maxRows;

    private SaeTrainer(Builder b) {
        this.config = b.config;
        this.listener = b.listener;
        this.stop = b.stop;
        this.maxRows = b.maxRows;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Trains on a store's training split (its paired target rows for a transcoder). */
    public SaeTrainingResult fit(SparseAutoencoder sae, ActivationStore store) {
        return fit(sae, new StoreTrainingData(store, sae.config(), config.batchSize(), maxRows));
    }

    /** Trains on batches from {@code data} (a store, or sentences for gradient TopK). */
    public SaeTrainingResult fit(SparseAutoencoder sae, SaeTrainingData data) {
        SaeConfig c = sae.config();
        NDManager manager = sae.manager();
        int batches = data.batchesPerEpoch();
        LearningRateSchedule schedule = new LearningRateSchedule(config, (long) batches * config.epochs());
        List<EpochRecord> history = new ArrayList<>();
        long tokens = 0;
        long started = System.nanoTime();
        boolean interrupted = false;
        double deadFraction = 0;
        try (AdamOptimizer adam = new AdamOptimizer(config, manager);
                NDManager state = manager.newSubManager()) {
            NDArray sinceFired = state.zeros(new ai.djl.ndarray.types.Shape(c.dSae()));
            for (int epoch = 1; epoch <= config.epochs() && !interrupted; epoch++) {
                long epochStart = System.nanoTime();
                SaeTrainingData.Epoch pass = data.epoch(config.seed() * 1000 + epoch);
                listener.onEpochStart(epoch, config.epochs(), batches, 0);
                double lossSum = 0;
                double fvuSum = 0;
                double auxSum = 0;
                double l0Sum = 0;
                int n = 0;
                double lr = 0;
                while (pass.hasNext()) {
                    if (stop.isRequested()) {
                        interrupted = true;
                        break;
                    }
                    try (NDManager step = manager.newSubManager()) {
                        SaeBatch batch = pass.next(step, sae);
                        NDArray x = batch.input();
                        NDArray y = batch.target();
                        long rows = x.getShape().get(0);
                        NDArray dead = sinceFired.gte((float) c.deadTokens());
                        dead.attach(step);
                        int numDead = (int) dead.toType(DataType.FLOAT32, false).sum().getFloat();
                        float[] terms;
                        NDArray code;
                        try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                            SaeForward f = sae.trainingForward(x, batch.gradient());
                            NDArray e = f.reconstruction().sub(y);
                            NDArray variance = y.sub(y.mean(new int[] {0}, true)).square().sum();
                            NDArray fvu = e.square().sum().div(variance);
                            NDArray penalty = penalty(sae, f, e, variance, dead, numDead, step);
                            NDArray loss = penalty == null ? fvu : fvu.add(penalty);
                            gc.backward(loss);
                            code = f.code().stopGradient();
                            terms = new float[] {loss.getFloat(), fvu.getFloat(), penalty == null ? 0f : penalty.getFloat()};
                        }
                        NDArray fired = code.gt(0f).toType(DataType.FLOAT32, false);
                        NDArray firedPerLatent = fired.sum(new int[] {0});
                        l0Sum += firedPerLatent.sum().getFloat() / rows;
                        if (c.architecture() == SaeArchitecture.BATCHTOPK) {
                            // the smallest activation the batch kept: 0s are pushed out of the minimum
                            sae.updateThreshold(code.add(code.lte(0f).toType(DataType.FLOAT32, false)
                                    .mul(Float.MAX_VALUE)).min().getFloat());
                        }
                        // silent·(since + rows), computed from step arrays so nothing new lands in the state manager
                        NDArray silent = firedPerLatent.eq(0f).toType(DataType.FLOAT32, false);
                        NDArray next = silent.mul((float) rows).add(silent.mul(sinceFired));
                        next.attach(state);
                        sinceFired.close();
                        sinceFired = next;
                        removeParallelGradient(sae, step);
                        lr = schedule.at(adam.step());
                        adam.update(sae.parameters(), lr, step);
                        normaliseDecoder(sae, step);
                        lossSum += terms[0];
                        fvuSum += terms[1];
                        auxSum += terms[2];
                        n++;
                        tokens += rows;
                        listener.onBatch(epoch, n, terms[0]);
                    }
                }
                try (NDManager scratch = state.newSubManager()) {
                    // made from sinceFired, these would live on `state` until the run ends
                    NDArray dead = sinceFired.gte((float) c.deadTokens());
                    dead.attach(scratch);
                    deadFraction = dead.toType(DataType.FLOAT32, false).mean().getFloat();
                }
                Map<String, Double> t = new LinkedHashMap<>();
                t.put("fvu", fvuSum / Math.max(1, n));
                t.put(c.architecture().penaltyName(), auxSum / Math.max(1, n));
                t.put("l0", l0Sum / Math.max(1, n));
                t.put("dead", deadFraction);
                if (c.architecture() == SaeArchitecture.BATCHTOPK) {
                    t.put("threshold", (double) sae.array("threshold").getFloat(0));
                }
                EpochRecord r = new EpochRecord(epoch, adam.step(), lossSum / Math.max(1, n), null, t, lr,
                        (System.nanoTime() - epochStart) / 1e9);
                history.add(r);
                listener.onEpochEnd(r, config.epochs());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (interrupted) {
                stop.markFinished();
            }
            return new SaeTrainingResult(history, adam.step(), tokens, seconds, tokens / Math.max(1e-9, seconds),
                    deadFraction, interrupted);
        }
    }

    /**
     * The loss term beside the FVU, or null: AuxK for the TopK family when latents are dead, the
     * decoder-norm-weighted L1 for ReLU, λ·(mean active latents per token) for JumpReLU, whose
     * step function carries the pseudo-gradient for θ.
     */
    private static NDArray penalty(SparseAutoencoder sae, SaeForward f, NDArray e, NDArray variance, NDArray dead,
            int numDead, NDManager step) {
        SaeConfig c = sae.config();
        long rows = f.pre().getShape().get(0);
        switch (c.architecture()) {
            case TOPK, BATCHTOPK, GTOPK -> {
                if (numDead > 0 && c.auxK() > 0) {
                    return auxK(sae, f.pre(), dead, e, variance, numDead).mul((float) c.auxKCoefficient());
                }
                return null;
            }
            case RELU -> {
                NDArray norms = sae.array("W_dec").norm(new int[] {1});
                norms.attach(step);
                return f.code().mul(norms).sum().div(rows).div((float) c.dIn()).mul((float) c.l1Coefficient());
            }
            case JUMPRELU -> {
                NDArray l0 = JumpRelu.step(f.pre(), sae.threshold(step), c.bandwidth()).sum().div(rows);
                return l0.mul((float) c.l0Coefficient());
            }
            default -> throw new IllegalStateException(c.architecture().toString());
        }
    }

    /** The AuxK loss: the top aux_k dead latents' reconstruction of the (detached) residual. */
    private static NDArray auxK(SparseAutoencoder sae, NDArray pre, NDArray dead, NDArray e, NDArray variance,
            int numDead) {
        SaeConfig c = sae.config();
        int kAux = Math.min(c.auxK(), numDead);
        // alive latents are pushed far below any dead one, so the top kAux are all dead
        NDArray deadPre = pre.add(dead.toType(DataType.FLOAT32, false).sub(1f).mul(1e30f));
        NDArray code = ai.djl.nn.Activation.relu(SparseAutoencoder.keepTop(deadPre, kAux));
        NDArray eHat = code.matMul(sae.array("W_dec"));
        float weight = Math.min(1f, numDead / (float) kAux);
        return eHat.add(e.stopGradient()).square().sum().div(variance).mul(weight);
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

        public SaeTrainer build() {
            if (config == null) {
                throw new BottleneckException("training config must be set (setConfig)");
            }
            return new SaeTrainer(this);
        }
    }
}

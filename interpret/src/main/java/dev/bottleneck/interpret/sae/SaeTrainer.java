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
 * sparsify: loss = FVU of the batch (squared error over the batch's variance around its mean),
 * plus for TopK the AuxK term (the top {@code aux_k} dead latents reconstruct the residual,
 * scaled by min(dead / aux_k, 1)), or for ReLU the decoder-norm-weighted L1. Adam with the
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

    public SaeTrainingResult fit(SparseAutoencoder sae, ActivationStore store) {
        SaeConfig c = sae.config();
        if (store.info().dIn() != c.dIn()) {
            throw new BottleneckException("the store holds " + store.info().dIn() + "-wide activations but the SAE reads "
                    + c.dIn());
        }
        NDManager manager = sae.manager();
        int batches = store.batches(ActivationStore.Split.TRAIN, config.batchSize(), false, 0, true, maxRows).count();
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
                ActivationStore.Batches data = store.batches(ActivationStore.Split.TRAIN, config.batchSize(), true,
                        config.seed() * 1000 + epoch, true, maxRows);
                listener.onEpochStart(epoch, config.epochs(), data.count(), 0);
                double lossSum = 0;
                double fvuSum = 0;
                double auxSum = 0;
                double l0Sum = 0;
                int n = 0;
                double lr = 0;
                while (data.hasNext()) {
                    if (stop.isRequested()) {
                        interrupted = true;
                        break;
                    }
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = data.next(step);
                        long rows = x.getShape().get(0);
                        NDArray dead = sinceFired.gte((float) c.deadTokens());
                        int numDead = (int) dead.toType(DataType.FLOAT32, false).sum().getFloat();
                        float[] terms;
                        NDArray fired;
                        try (GradientCollector gc = Engine.getEngine(Engines.ENGINE).newGradientCollector()) {
                            SaeForward f = sae.forward(x);
                            NDArray e = f.reconstruction().sub(x);
                            NDArray variance = x.sub(x.mean(new int[] {0}, true)).square().sum();
                            NDArray fvu = e.square().sum().div(variance);
                            NDArray loss = fvu;
                            NDArray aux = null;
                            if (c.architecture() == SaeArchitecture.TOPK && numDead > 0 && c.auxK() > 0) {
                                aux = auxK(sae, f.pre(), dead, e, variance, numDead).mul((float) c.auxKCoefficient());
                                loss = loss.add(aux);
                            } else if (c.architecture() == SaeArchitecture.RELU) {
                                NDArray norms = sae.array("W_dec").norm(new int[] {1});
                                aux = f.code().mul(norms).sum().div(rows).div((float) c.dIn())
                                        .mul((float) c.l1Coefficient());
                                loss = loss.add(aux);
                            }
                            gc.backward(loss);
                            fired = f.code().stopGradient().gt(0f).toType(DataType.FLOAT32, false);
                            terms = new float[] {loss.getFloat(), fvu.getFloat(), aux == null ? 0f : aux.getFloat()};
                        }
                        NDArray firedPerLatent = fired.sum(new int[] {0});
                        l0Sum += firedPerLatent.sum().getFloat() / rows;
                        NDArray next = sinceFired.add((float) rows).mul(firedPerLatent.eq(0f).toType(DataType.FLOAT32, false));
                        next.attach(state);
                        sinceFired.close();
                        sinceFired = next;
                        removeParallelGradient(sae);
                        lr = schedule.at(adam.step());
                        adam.update(sae.parameters(), lr, step);
                        normaliseDecoder(sae);
                        lossSum += terms[0];
                        fvuSum += terms[1];
                        auxSum += terms[2];
                        n++;
                        tokens += rows;
                        listener.onBatch(epoch, n, terms[0]);
                    }
                }
                deadFraction = sinceFired.gte((float) c.deadTokens()).toType(DataType.FLOAT32, false).mean().getFloat();
                Map<String, Double> t = new LinkedHashMap<>();
                t.put("fvu", fvuSum / Math.max(1, n));
                t.put(c.architecture() == SaeArchitecture.TOPK ? "auxk" : "l1", auxSum / Math.max(1, n));
                t.put("l0", l0Sum / Math.max(1, n));
                t.put("dead", deadFraction);
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

    private static void removeParallelGradient(SparseAutoencoder sae) {
        NDArray w = sae.array("W_dec");
        if (!w.hasGradient()) {
            return;
        }
        try (NDArray g = w.getGradient()) {
            NoGrad.run(() -> g.subi(g.mul(w).sum(new int[] {1}, true).mul(w)));
        }
    }

    private static void normaliseDecoder(SparseAutoencoder sae) {
        NDArray w = sae.array("W_dec");
        NoGrad.run(() -> {
            try (NDArray norm = w.norm(new int[] {1}, true)) {
                w.divi(norm.maximum(1e-12f));
            }
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

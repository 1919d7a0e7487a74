package dev.bottleneck.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.train.AdamOptimizer;
import dev.bottleneck.train.LearningRateSchedule;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingStep;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * One worker's part of a round: start from the broadcast weights and Adam moments, take {@code
 * averagingPeriod} Adam steps on batches of this partition's rows (core's {@link TrainingStep}),
 * and return the new weights and moments for the driver to average.
 *
 * <p>Everything a task does is a function of (broadcast state, partition, global step), so a task
 * that fails and is retried, anywhere, returns exactly the same bytes.
 */
final class TrainingRound implements Function2<Integer, Iterator<Block>, Iterator<WorkerResult>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<TrainingSetup> setup;
    private final Broadcast<RoundState> state;

    TrainingRound(Broadcast<TrainingSetup> setup, Broadcast<RoundState> state) {
        this.setup = setup;
        this.state = state;
    }

    @Override
    public Iterator<WorkerResult> call(Integer partition, Iterator<Block> blocks) {
        if (!blocks.hasNext()) {
            return Collections.emptyIterator();
        }
        Block block = blocks.next();
        if (block.rows() == 0) {
            return Collections.emptyIterator();
        }
        TrainingSetup s = setup.value();
        RoundState start = state.value();
        TrainingConfig tc = read(s.trainingConfigJson(), TrainingConfig.class);
        Autoencoder model;
        AdamOptimizer opt;
        synchronized (EngineLock.LOCK) {
            model = build(s.modelConfigJson(), start.weights());
            opt = new AdamOptimizer(tc, model.manager());
            if (start.adam() != null) {
                try (NDManager tmp = model.manager().newSubManager()) {
                    opt.restore(NDList.decode(tmp, start.adam()), start.step(), model.parameters());
                }
            }
        }
        try {
            int d = model.inputWidth();
            int n = block.rows();
            int batch = Math.min(tc.batchSize(), n);
            int localBatches = TrainingStep.batchesPerEpoch(n, batch);
            LearningRateSchedule schedule = new LearningRateSchedule(tc, s.totalSteps());
            float[] buf = new float[batch * d];
            int[] order = null;
            long orderEpoch = -1;
            double lossSum = 0;
            int k = 0;
            for (long step = start.step(); k < s.averagingPeriod() && step < s.totalSteps(); k++, step++) {
                long epoch = step / localBatches;
                int b = (int) (step % localBatches);
                if (epoch != orderEpoch) {
                    // each partition shuffles its own rows, seeded by (seed, partition, local epoch); partition 0
                    // uses the single-machine trainer's order, so one worker averaging every step is that trainer
                    order = Trainer.permutation(n, tc.seed() + partition * 1_000_003L, (int) epoch);
                    orderEpoch = epoch;
                }
                int from = b * batch;
                int count = Math.min(batch, n - from);
                for (int i = 0; i < count; i++) {
                    System.arraycopy(block.values(), order[from + i] * d, buf, i * d, d);
                }
                double loss;
                synchronized (EngineLock.LOCK) {
                    Engines.seed(tc.seed() * 1_000_003L + step * 7919L + partition * 104_729L);
                    loss = TrainingStep.run(model, opt, buf, count, schedule.at(step), null);
                }
                if (!Double.isFinite(loss)) {
                    throw new BottleneckException("training diverged: the loss became " + loss + " on partition "
                            + partition + " at step " + (step + 1) + " (try a lower learning rate or clipNorm)");
                }
                lossSum += loss;
            }
            byte[] weights = ModelFiles.weightsBytes(model.parameters());
            byte[] adam = opt.state().encode(NDList.Encoding.SAFETENSORS);
            return List.of(new WorkerResult(partition, weights, adam, lossSum, k)).iterator();
        } finally {
            opt.close();
            model.close();
        }
    }

    /** A model of the given configuration holding the given weights (callers hold the engine lock). */
    static Autoencoder build(String configJson, byte[] weights) {
        Autoencoder model = Autoencoder.fromConfig(read(configJson, ModelConfig.class), Device.cpu(), 0);
        ModelFiles.loadWeights(model.parameters(), weights, "the broadcast weights");
        return model;
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new BottleneckException("could not read the broadcast " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new BottleneckException("could not write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}

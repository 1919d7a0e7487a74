package dev.bottleneck.interpret.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Long SAE runs must not accumulate native memory: the arrays live under the SAE's manager
 * (parameters, Adam's moments, the dead-latent counters, counted recursively through open
 * sub-manager) must be the same number at the start of every epoch after the first. Why this
 * test exists: a 1M-token × 8-epoch TopK run was killed by the kernel at 19.5 GB, because the
 * decoder-gradient projection made its temporaries from the gradient, which lives on the SAE's
 * manager, so each step left ~13 MB behind until the run ended.
 */
class SaeMemoryTest {
    @TempDir static Path dir;

    /** deadTokens 1: latents that did not fire in the last batch count as dead, so AuxK runs on every step. */
    @ParameterizedTest
    @CsvSource({"TOPK, 1000000", "TOPK, 1", "RELU, 1000000", "JUMPRELU, 1000000", "BATCHTOPK, 1000000", "BATCHTOPK, 1"})
    void liveArraysStayFlatOverEpochs(SaeArchitecture architecture, long deadTokens) {
        ActivationStore store = Synthetic.store(dir.resolve(architecture.name() + deadTokens), 32, 96, 3, 4096, 512, 3);
        SaeConfig c = SaeConfig.builder().setShape(32, 128)
                .setHook("blocks.0.hook_resid_post", "synthetic", store.info().scale())
                .optArchitecture(architecture).optK(3).optDeadTokens(deadTokens).optSeed(5).build();
        List<Integer> counts = new ArrayList<>();
        try (NDManager manager = Engines.newManager(Device.cpu())) {
            float[] mean = store.mean(ActivationStore.Split.TRAIN, 0, true);
            try (SparseAutoencoder sae = SparseAutoencoder.create(c, manager, mean, mean)) {
                TrainingListener l = new TrainingListener() {
                    @Override
                    public void onEpochStart(int epoch, int epochs, int batches, int firstBatch) {
                        counts.add(sae.manager().getManagedArrays().size());
                    }
                };
                TrainingConfig t = TrainingConfig.builder().optEpochs(6).optBatchSize(128).optLearningRate(4e-3)
                        .optWarmupSteps(10).optSeed(5).build(); // 32 steps an epoch, 192 in all
                SaeTrainer.builder().setConfig(t).optListener(l).build().fit(sae, store);
            }
        }
        assertEquals(6, counts.size());
        for (int i = 2; i < counts.size(); i++) {
            assertEquals(counts.get(1), counts.get(i), "live arrays at the start of epoch " + (i + 1) + " " + counts);
        }
    }
}

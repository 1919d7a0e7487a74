package dev.bottleneck.engine;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.Fixtures;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a forked JVM by {@link CpuTuningAgreementTest}: trains a small seeded dense AE on WDBC and
 * prints whether the MKL shim is mapped into this process, then one mean training loss per epoch.
 */
public final class TuningProbe {
    static final int EPOCHS = 20;

    private TuningProbe() {}

    public static void main(String[] args) throws Exception {
        boolean shim = Files.readString(Path.of("/proc/self/maps")).contains("mklshim");
        System.out.println("shim " + shim);
        Table wdbc = DataSources.load(Fixtures.wdbcPath(), "label", null);
        TrainingConfig cfg = TrainingConfig.builder().optEpochs(EPOCHS).optBatchSize(64).optValidationFraction(0)
                .optSeed(7).build();
        // hidden layers wide enough that the products go through MKL's SGEMM kernels, which the shim switches
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(new DenseSpec(wdbc.cols(), List.of(256, 64), 8, null, false, 0, null))
                .optSeed(7).build()) {
            TrainingResult r = Trainer.builder().setConfig(cfg).build().fit(m, wdbc);
            for (EpochRecord e : r.history()) {
                System.out.println("loss " + e.trainLoss());
            }
        }
    }
}

package dev.bottleneck.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example in the README, kept compiling and running here. */
class ReadmeExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path tmp) {
        Path csv = dev.bottleneck.data.TestData.dataset("wdbc/wdbc.csv.gz");
        Path dir = tmp.resolve("wdbc-model");
        // --- README example start
        Table data = DataSources.load(csv, "label", null);                  // label kept out of training
        try (Autoencoder ae = Autoencoder.builder()
                .setArchitecture(new DenseSpec(data.cols(), List.of(64, 32), 8, null, false, 0, null))
                .optSeed(42).build()) {
            Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(20).optSeed(42).build())
                    .build().fit(ae, data);                                    // scaler fitted, Adam, validation
            ae.save(dir, true);                                                // config.json + model.safetensors
        }
        try (Autoencoder loaded = Autoencoder.load(dir)) {
            double[] scores = loaded.score(data);                              // reconstruction error per row
            float[][] codes = loaded.encode(data);                             // rows × 8
            // --- README example end
            assertEquals(data.rows(), scores.length);
            assertEquals(8, codes[0].length);
            try (Autoencoder again = Autoencoder.load(dir)) {
                assertArrayEquals(scores, again.score(data));
            }
        }
    }
}

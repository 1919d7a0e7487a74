package dev.bottleneck.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.nn.Activation;
import dev.bottleneck.prototype.ElasticDeformation;
import dev.bottleneck.prototype.Evaluation;
import dev.bottleneck.prototype.LossWeights;
import dev.bottleneck.prototype.Prediction;
import dev.bottleneck.prototype.PrototypeNetwork;
import dev.bottleneck.prototype.PrototypePlots;
import dev.bottleneck.prototype.PrototypeTrainer;
import dev.bottleneck.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prototype-network Java example in the README (one short epoch on 500 images instead of twelve). */
class PrototypeReadmeExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path tmp) throws Exception {
        Path trainImages = dev.bottleneck.data.TestData.dataset("fashion-mnist-2k/train-images-idx3-ubyte.gz");
        Table test = DataSources.load(dev.bottleneck.data.TestData.dataset("fashion-mnist-2k/t10k-images-idx3-ubyte.gz"),
                null, null).select(new int[] {0, 1, 2, 3});
        Path why = tmp.resolve("why");
        Path dir = tmp.resolve("proto");
        int[] first500 = java.util.stream.IntStream.range(0, 500).toArray();
        // --- README example start
        Table train = DataSources.load(trainImages, null, null);             // IDX: labels from the file beside it
        train = train.select(first500); // (test only: keep it fast)
        try (PrototypeNetwork net = PrototypeNetwork.builder()
                .forData(train, 10, Activation.RELU)                          // conv AE for images (latent: dense only)
                .optPrototypes(15).optSeed(0).build()) {
            PrototypeTrainer.builder()
                    .setConfig(TrainingConfig.builder().optEpochs(1).optBatchSize(250).optLearningRate(0.003)
                            .optSchedule(TrainingConfig.Schedule.COSINE).optMinLearningRate(1e-5).build())
                    .optLossWeights(LossWeights.PAPER)                        // or .withoutPrototypeTerms()
                    .optElastic(ElasticDeformation.PAPER, 1)                  // optional: σ 4, α 20 from epoch 10
                    .build().fit(net, train);
            Evaluation e = net.evaluate(test);                                // accuracy, cross-entropy, reconstruction
            Prediction p = net.predict(test).get(0);                          // label, probabilities, distances
            PrototypePlots.writeExplanation(why.resolve("explain-0.png"), net.explain(test.row(0)));
            PrototypePlots.writePrototypes(why.resolve("prototypes.png"), net);
            net.save(dir, false);                                             // PrototypeNetwork.load(dir) reads it back
            // --- README example end
            assertEquals(4, e.rows());
            assertEquals(15, p.distances().length);
        }
        assertTrue(Files.size(why.resolve("explain-0.png")) > 1000);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    }
}

package dev.bottleneck.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.cvae.ConditionalCompletion;
import dev.bottleneck.cvae.ConditionalEvaluation;
import dev.bottleneck.cvae.ConditionalTrainer;
import dev.bottleneck.cvae.ConditionalVae;
import dev.bottleneck.cvae.QuadrantTask;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.train.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's CVAE example, with widths and epochs cut down so that it runs in seconds. */
class CvaeReadmeExampleTest {
    @Test
    void readmeExampleRuns(@TempDir Path tmp) {
        String dir = dev.bottleneck.data.TestData.dataset("fashion-mnist-2k").toString();
        Table images = DataSources.load(Path.of(dir, "train-images-idx3-ubyte.gz"), null, null);
        QuadrantTask task = QuadrantTask.forImages(images, 1);
        try (ConditionalVae cvae = ConditionalVae.builder().setTask(task)
                .optHidden(List.of(32)).optLatent(4).optAlpha(0.5).optSeed(0).build()) {
            ConditionalTrainer.builder().setConfig(TrainingConfig.builder().optEpochs(1).optSeed(0).build())
                    .build().fit(cvae, task.pairs(images));
            Table test = task.pairs(DataSources.load(Path.of(dir, "t10k-images-idx3-ubyte.gz"), null, null));
            double nll = ConditionalEvaluation.nll(cvae, test, 3, 0).nll();
            float[] x0 = Arrays.copyOf(test.row(0), task.inputWidth());
            float[][][] y = ConditionalCompletion.complete(cvae, new float[][] {x0}, 5, 0);
            cvae.save(tmp.resolve("cvae"), false);
            assertTrue(nll > 0 && Double.isFinite(nll));
            assertEquals(5, y[0].length);
            assertTrue(Files.isRegularFile(tmp.resolve("cvae/model.safetensors")));
        }
    }
}

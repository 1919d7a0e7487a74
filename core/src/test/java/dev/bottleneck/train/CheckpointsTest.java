package dev.bottleneck.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint directory always names one complete generation, whatever moment a kill comes. */
class CheckpointsTest {
    @TempDir Path tmp;

    @Test
    void latestNamesTheOnlyCompleteGenerationAndSurvivesAnInterruptedSave() throws Exception {
        Path ckpt = tmp.resolve("m.ckpt");
        try (Autoencoder m = Autoencoder.builder()
                .setArchitecture(new DenseSpec(30, List.of(16), 4, null, false, 0, null)).build()) {
            Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(3).build()).optCheckpointDir(ckpt)
                    .build().fit(m, Fixtures.wdbc());
        }
        String latest = Files.readString(ckpt.resolve(Checkpoints.LATEST)).trim();
        try (Stream<Path> s = Files.list(ckpt)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertEquals(List.of(ckpt.resolve(latest)), dirs, "older generations are removed");
        }
        assertEquals(3, Checkpoints.readState(ckpt).epochsCompleted());
        // a save killed half-way leaves a temporary directory and an unfinished generation beside it;
        // LATEST still names the complete one, which is what a resume reads
        Files.createDirectories(ckpt.resolve(".step-000000000099-deadbeef.tmp-x"));
        Path partial = Files.createDirectories(ckpt.resolve("step-000000000099-deadbeef"));
        Files.writeString(partial.resolve(Checkpoints.WEIGHTS), "half");
        assertTrue(Checkpoints.exists(ckpt));
        assertEquals(3, Checkpoints.readState(ckpt).epochsCompleted());
    }
}

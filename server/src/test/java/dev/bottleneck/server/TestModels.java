package dev.bottleneck.server;

import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.Detectors;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;
import dev.bottleneck.train.TrainingResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A models directory for the server tests, made once per test JVM: {@value #MODEL} (a dense
 * autoencoder trained on WDBC, with history.jsonl, a prototypes.png and a features/index.html),
 * {@value #DETECTOR} (a pae detector, the default kind, fitted on WDBC, as 'bottleneck detect --save' writes it)
 * and {@value #BROKEN} (a config.json that is not JSON).
 */
final class TestModels {
    static final String MODEL = "wdbc-ae";
    static final String DETECTOR = "wdbc-detector";
    static final String BROKEN = "broken";

    private static Path dir;
    private static Table wdbc;

    private TestModels() {}

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** WDBC (367 × 30, label column kept aside), read by absolute path so provenance finds it again. */
    static synchronized Table wdbc() {
        if (wdbc == null) {
            wdbc = DataSources.load(wdbcPath(), "label", ImputePolicy.REJECT);
        }
        return wdbc;
    }

    static Path wdbcPath() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("datasets/wdbc/wdbc.csv.gz");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("datasets/wdbc/wdbc.csv.gz not found above " + Path.of("").toAbsolutePath());
    }

    private static Path create() throws IOException {
        Path root = Files.createTempDirectory("bottleneck-serve-test");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AtomicFiles.deleteRecursively(root)));
        Table data = wdbc();
        try (Autoencoder ae = Autoencoder.builder()
                .setArchitecture(new DenseSpec(data.cols(), List.of(16), 4, null, false, 0, null))
                .optSeed(7)
                .build()) {
            TrainingResult result = Trainer.builder()
                    .setConfig(TrainingConfig.builder().optEpochs(4).optBatchSize(32).optValidationFraction(0.2).optSeed(7).build())
                    .build()
                    .fit(ae, data);
            ModelFiles.save(ae, root.resolve(MODEL), false, d -> {
                StringBuilder sb = new StringBuilder();
                for (EpochRecord r : result.history()) {
                    sb.append(Json.compact().writeValueAsString(r)).append('\n');
                }
                Files.writeString(d.resolve("history.jsonl"), sb.toString());
            });
        }
        // the default kind, pae: its score (APRE against the mean-shifted row) is not the model's plain error
        try (Detector det = Detectors.pae().optEpochs(3).optSeed(3).create()) {
            det.fit(data);
            det.save(root.resolve(DETECTOR), false);
        }
        // files a prototype or SAE task would leave in a model directory
        Path model = root.resolve(MODEL);
        Files.createDirectories(model.resolve("features"));
        Files.writeString(model.resolve("features/index.html"), "<!DOCTYPE html><title>features</title><p>feature 0</p>");
        writeSmallPng(model.resolve("prototypes.png"));
        Files.createDirectories(root.resolve(BROKEN));
        Files.writeString(root.resolve(BROKEN).resolve(ModelFiles.CONFIG), "{ not json");
        return root;
    }

    private static void writeSmallPng(Path out) throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        dev.bottleneck.plot.PngFiles.writeAtomically(img, out);
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.data.Table;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelFiles;
import dev.bottleneck.plot.ImageGrid;
import dev.bottleneck.plot.LossCurve;
import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.TrainingResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files a trained model directory holds beside config and weights: history and pictures. */
final class ModelOutputs {
    private ModelOutputs() {}

    static void write(Autoencoder model, TrainingResult result, Table data, Path out, boolean overwrite) {
        ModelFiles.save(model, out, overwrite, dir -> {
            writeHistory(dir.resolve("history.jsonl"), result.history());
            lossCurve(dir.resolve("loss.png"), result.history());
            if (data.imageShape().isPresent()) {
                reconstructions(dir.resolve("reconstructions.png"), model, data, 16);
            }
        });
    }

    static void writeHistory(Path file, List<EpochRecord> history) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (EpochRecord r : history) {
            sb.append(Json.compact().writeValueAsString(r)).append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    static void lossCurve(Path file, List<EpochRecord> history) throws IOException {
        double[] epochs = new double[history.size()];
        double[] train = new double[history.size()];
        double[] val = new double[history.size()];
        boolean hasVal = false;
        for (int i = 0; i < history.size(); i++) {
            EpochRecord r = history.get(i);
            epochs[i] = r.epoch();
            train[i] = r.trainLoss();
            val[i] = r.validationLoss() == null ? Double.NaN : r.validationLoss();
            hasVal |= r.validationLoss() != null;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train loss", train);
        if (hasVal) {
            series.put("validation loss", val);
        }
        LossCurve.write(file, "Loss by epoch", epochs, series, true);
    }

    /** Originals above their reconstructions for the first {@code n} rows of image data. */
    static void reconstructions(Path file, Autoencoder model, Table data, int n) throws IOException {
        int[] idx = new int[Math.min(n, data.rows())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Table some = data.select(idx);
        float[][] originals = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            originals[i] = some.row(i);
        }
        int[] s = data.imageShape().get();
        ImageGrid.writeReconstructions(file, originals, model.reconstruct(some), s[0], s[1], s[2]);
    }
}

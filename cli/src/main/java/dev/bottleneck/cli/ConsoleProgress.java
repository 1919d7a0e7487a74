package dev.bottleneck.cli;

import dev.bottleneck.train.EpochRecord;
import dev.bottleneck.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Training progress for people: a progress bar per epoch in a terminal, and one log line per
 * epoch when the output is not a terminal (CI logs, pipes), so logs stay readable.
 */
final class ConsoleProgress implements TrainingListener {
    private final PrintStream err = System.err;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private double running;
    private int seen;

    @Override
    public void onEpochStart(int epoch, int epochs, int batches, int firstBatch) {
        running = 0;
        seen = 0;
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .build();
            bar.stepTo(firstBatch);
        }
    }

    @Override
    public void onBatch(int epoch, int batch, double loss) {
        running += loss;
        seen++;
        if (bar != null) {
            bar.stepTo(batch);
            if (seen % 10 == 0) {
                bar.setExtraMessage(String.format("loss %.5f", running / seen));
            }
        }
    }

    @Override
    public void onEpochEnd(EpochRecord r, int epochs) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        StringBuilder sb = new StringBuilder(String.format("epoch %d/%d  train %.6f", r.epoch(), epochs, r.trainLoss()));
        if (r.validationLoss() != null) {
            sb.append(String.format("  validation %.6f", r.validationLoss()));
        }
        r.terms().forEach((k, v) -> sb.append(String.format("  %s %.4g", k, v)));
        sb.append(String.format("  lr %.3g  %.1fs", r.learningRate(), r.seconds()));
        err.println(sb);
    }

    @Override
    public void onCheckpoint(Path dir) {
        // a checkpoint every epoch is routine; said once in the train command's summary
    }
}

package dev.bottleneck.anomaly;

import dev.bottleneck.data.Table;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An outlier detector, shaped like PyOD's: {@link #fit} on unlabelled training rows, {@link #score}
 * any rows (higher = more anomalous), {@link #predict} 0/1 with the threshold fixed at fit time.
 * Labels of a table are never read by {@code fit}; they exist only for evaluation.
 *
 * <p>Scoring is safe from several threads once fitted. Close a detector to free its native memory.
 */
public interface Detector extends AutoCloseable {

    /** The detector kind ({@code ae}, {@code memae}, {@code knn} …). */
    String kind();

    /** The settings it was built with. */
    DetectorConfig config();

    /**
     * Refuses training data this detector cannot fit, before any work: too few rows, missing or
     * infinite cells; one sentence naming what and where.
     */
    void checkTrainingData(Table train);

    /**
     * Fits on the feature columns of {@code train} (any labels are ignored) and resolves the
     * threshold from the training scores. Fitting again replaces the previous fit.
     */
    FitResult fit(Table train);

    /** One outlier score per row: higher = more anomalous. */
    double[] score(Table data);

    /** 1 for rows scoring above the fitted threshold, else 0. */
    int[] predict(Table data);

    /** The result of the last fit, if any. */
    Optional<FitResult> fitResult();

    /** Writes a detector directory ({@code detector.json} + {@code model/}), atomically. */
    void save(Path dir, boolean overwrite);

    /** Loads a detector directory written by {@link #save}. */
    static Detector load(Path dir) {
        return DetectorFiles.load(dir);
    }

    @Override
    void close();
}

package dev.bottleneck.spark;

import java.io.Serializable;

/**
 * What every training task needs for the whole run, broadcast once: the model and training
 * configurations as JSON (the same JSON config.json holds) and the schedule's shape.
 *
 * @param modelConfigJson the model's {@code ModelConfig}
 * @param trainingConfigJson the {@code TrainingConfig}
 * @param totalSteps synchronous steps of the whole run
 * @param averagingPeriod local steps between two averagings
 */
record TrainingSetup(String modelConfigJson, String trainingConfigJson, long totalSteps, int averagingPeriod)
        implements Serializable {}

package dev.bottleneck.train;

/**
 * Linear warm-up from 0 to the peak rate, then constant or cosine decay to the minimum rate at
 * the last step — the schedule most transformer and SAE training uses.
 */
public final class LearningRateSchedule {
    private final TrainingConfig config;
    private final long totalSteps;

    public LearningRateSchedule(TrainingConfig config, long totalSteps) {
        this.config = config;
        this.totalSteps = Math.max(1, totalSteps);
    }

    /** The rate for update number {@code step} (0-based). */
    public double at(long step) {
        double peak = config.learningRate();
        int warm = config.warmupSteps();
        if (warm > 0 && step < warm) {
            return peak * (step + 1) / warm;
        }
        if (config.schedule() == TrainingConfig.Schedule.CONSTANT) {
            return peak;
        }
        // the last update (index totalSteps − 1) runs at exactly the minimum rate
        double span = Math.max(1, totalSteps - warm - 1);
        double t = Math.min(1, (step - warm) / span);
        double min = config.minLearningRate();
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
}

package dev.bottleneck.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A polite request to stop training (Ctrl-C, SIGTERM, or a caller's own reason). The trainer
 * checks it after every step, writes a checkpoint of the work done so far, and stops with {@link
 * TrainingInterruptedException}; nothing finished is lost.
 */
public final class StopSignal {
    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final boolean callerFinishes;

    /** A signal the trainer marks finished when it stops. */
    public StopSignal() {
        this(false);
    }

    /**
     * @param callerFinishes when true the trainer leaves {@link #markFinished()} to the caller, so
     *     that a command line can print where the checkpoint is before the JVM exits
     */
    public StopSignal(boolean callerFinishes) {
        this.callerFinishes = callerFinishes;
    }

    public boolean callerFinishes() {
        return callerFinishes;
    }

    public void request() {
        requested = true;
    }

    public boolean isRequested() {
        return requested;
    }

    /** Says training has stopped (checkpoint written, or run complete); lets a pending exit go on. */
    public void markFinished() {
        finished.countDown();
    }

    /**
     * Makes Ctrl-C and SIGTERM request a stop, and holds the JVM's exit until the trainer has
     * written its checkpoint (at most {@code maxWaitSeconds}).
     */
    public StopSignal installShutdownHook(int maxWaitSeconds) {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    if (finished.getCount() == 0) {
                                        return;
                                    }
                                    request();
                                    try {
                                        finished.await(maxWaitSeconds, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "bottleneck-stop"));
        return this;
    }
}

package dev.bottleneck.spark;

/**
 * One lock per JVM around everything that records gradients or draws from the engine's random
 * generator. Why: the engine allows one gradient recording per process, and its generator is
 * process-wide, so two training tasks in one executor (local[2], or an executor with several
 * cores) must take turns; reseeding inside the lock keeps dropout and noise reproducible
 * whatever the interleaving. Inference needs no lock.
 */
final class EngineLock {
    static final Object LOCK = new Object();

    private EngineLock() {}
}

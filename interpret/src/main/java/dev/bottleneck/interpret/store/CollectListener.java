package dev.bottleneck.interpret.store;

/** Hears how collection goes, for a progress bar. */
public interface CollectListener {
    CollectListener NONE = (done, total) -> { };

    /** {@code done} of {@code total} training tokens collected. */
    void onTokens(long done, long total);
}

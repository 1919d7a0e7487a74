package dev.bottleneck.interpret.store;

import java.util.List;

/**
 * {@code store.json}: what an activation store holds and how it was made. Rows are float32,
 * little-endian, {@code d_in} per row, in shard files; each {@code .tok} file beside a shard holds
 * three int32 per row (document index in the corpus, token position, token id), so a row can be
 * traced back to its context. A paired store (for transcoders) also holds, row for row, a second
 * hook's activations in {@code <shard>.target.f32} files ({@code d_target} per row).
 *
 * @param scale √d / mean‖x‖ over the training rows; multiplying by it makes the mean norm √d
 * @param complete false while collection runs (or when it was stopped): shards listed are whole
 * @param targetHook the paired hook (null: a plain store); its rows are in the {@code .target.f32} files
 * @param targetScale √d_target / mean‖y‖ of the paired hook's training rows
 */
public record StoreInfo(
        int formatVersion,
        String hook,
        int dIn,
        String model,
        String corpus,
        long corpusDocuments,
        boolean excludeSpecial,
        int maxLength,
        int heldOutEvery,
        long seed,
        double meanNorm,
        double scale,
        int shardRows,
        Part train,
        Part heldOut,
        boolean complete,
        String createdBy,
        String targetHook,
        int dTarget,
        double targetMeanNorm,
        double targetScale) {

    public static final int FORMAT_VERSION = 1;

    /** True when the store holds a second, paired hook's activations (for transcoders). */
    public boolean paired() {
        return targetHook != null;
    }

    /** The rows of one split, in shards of {@code shard_rows} (the last may be shorter). */
    public record Part(long rows, List<String> shards) {
        public Part {
            shards = List.copyOf(shards);
        }
    }
}

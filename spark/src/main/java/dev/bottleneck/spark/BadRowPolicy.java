package dev.bottleneck.spark;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.bottleneck.EnumIds;

/**
 * What scoring does with a row whose features hold a null, NaN or infinite cell. Either way the
 * row never gets a made-up score.
 */
public enum BadRowPolicy {
    /** Stop the job with a message naming the partition, the row within it and the column. */
    FAIL,
    /** Give the row null outputs and count it in the job's bad-row accumulator. */
    NULL;

    @JsonValue
    public String id() {
        return EnumIds.id(this);
    }

    @JsonCreator
    public static BadRowPolicy parse(String s) {
        return EnumIds.parse(BadRowPolicy.class, s, "bad-row policy");
    }
}

package dev.bottleneck.interpret.sae;

/**
 * Where a trained SAE came from: its activation store (corpus, hook, tokens), the run, the software.
 *
 * @param storeTokens training rows in the store
 * @param tokensSeen rows × epochs actually trained on
 */
public record SaeProvenance(String store, String corpus, long storeTokens, long tokensSeen, int epochs,
        double trainSeconds, double tokensPerSecond, double deadFraction, boolean interrupted, String created,
        String libraryVersion, String engine, String java) {}

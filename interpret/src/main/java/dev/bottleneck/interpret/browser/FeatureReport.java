package dev.bottleneck.interpret.browser;

import dev.bottleneck.interpret.sae.SaeConfig;

import java.util.List;

/**
 * What the feature browser found for an SAE on a corpus; {@link FeaturePages} renders it.
 *
 * @param sae the SAE's settings (hook, architecture, width)
 * @param saeSource where the SAE was read from, for the page's provenance line
 * @param corpus the corpus name
 * @param tokens tokens scanned (padding and, unless kept, [CLS]/[SEP] not counted)
 * @param documents documents scanned
 * @param sampleSize the reservoir size: token statistics and quantile samples come from a uniform
 *     sample of at most this many firings per latent (exact when a latent fired no more often)
 * @param density every latent's firing frequency over the scanned tokens
 * @param latents the latents shown, in the order chosen
 * @param created ISO-8601 time of the scan
 * @param createdBy library version
 * @param explainedBy the language model and endpoint that wrote the latents' explanations, or null
 */
public record FeatureReport(SaeConfig sae, String saeSource, String corpus, long tokens, int documents, int sampleSize,
        long seed, double[] density, List<Latent> latents, String created, String createdBy, String explainedBy) {

    public FeatureReport {
        latents = List.copyOf(latents);
    }

    /** This report with other latents (their explanations filled in) and who explained them. */
    public FeatureReport withExplanations(List<Latent> explained, String explainer) {
        return new FeatureReport(sae, saeSource, corpus, tokens, documents, sampleSize, seed, density, explained, created,
                createdBy, explainer);
    }

    /**
     * One latent.
     *
     * @param fires tokens it fired on (activation &gt; 0)
     * @param meanActivation mean activation over the tokens it fired on
     * @param top its largest activations, largest first
     * @param quantiles samples from equal-count slices of its (sampled) firings, weakest slice first
     * @param frequentTokens the tokens it fires on most often, most frequent first
     * @param strongTokens the tokens with the largest mean activation per occurrence (seen ≥ 3 times, and ≥ 3 times in the sample, so that no estimate rests on one draw)
     * @param histogram counts of sampled activations in equal bins from 0 to {@code maxActivation}
     * @param explanation a language model's one-phrase reading of the contexts ({@link LatentExplainer}),
     *     or null
     */
    public record Latent(int index, long fires, double density, double meanActivation, float maxActivation,
            List<Context> top, List<Quantile> quantiles, List<TokenStat> frequentTokens, List<TokenStat> strongTokens,
            int[] histogram, String explanation) {
        public Latent {
            top = List.copyOf(top);
            quantiles = List.copyOf(quantiles);
            frequentTokens = List.copyOf(frequentTokens);
            strongTokens = List.copyOf(strongTokens);
        }

        /** This latent with {@code text} as its explanation. */
        public Latent withExplanation(String text) {
            return new Latent(index, fires, density, meanActivation, maxActivation, top, quantiles, frequentTokens,
                    strongTokens, histogram, text);
        }
    }

    /**
     * A window of a document around one firing.
     *
     * @param document the document's index in the corpus
     * @param position the firing token's position in the tokenised document ([CLS] is 0)
     * @param activation the firing's activation
     * @param tokens the window's WordPiece tokens ({@code ##} marks a word's continuation)
     * @param activations the latent's activation on each token of the window
     * @param marked the index in the window of the firing token
     */
    public record Context(int document, int position, float activation, List<String> tokens, float[] activations,
            int marked) {
        public Context {
            tokens = List.copyOf(tokens);
        }
    }

    /** Samples of firings whose activation ranks between two quantiles of the latent's firings. */
    public record Quantile(double from, double to, float lowActivation, float highActivation, List<Context> samples) {
        public Quantile {
            samples = List.copyOf(samples);
        }
    }

    /**
     * A token's part in a latent's firings, estimated from the reservoir sample.
     *
     * @param sampled firings on this token in the sample
     * @param share fraction of the latent's firings that are on this token
     * @param meanWhenFiring mean activation on this token when the latent fires
     * @param occurrences how often the token occurs in the scanned tokens
     * @param fireRate fraction of the token's occurrences on which the latent fires
     * @param meanPerOccurrence mean activation over all the token's occurrences (0 where it does not fire)
     */
    public record TokenStat(String token, int sampled, double share, double meanWhenFiring, long occurrences, double fireRate,
            double meanPerOccurrence) {}
}

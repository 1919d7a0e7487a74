package dev.bottleneck.interpret.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Asks a language model behind an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
 * llama.cpp's server, Ollama's /v1 …) for a one-phrase explanation of each latent, from its
 * top-activating contexts with the firing tokens marked {@code <<like this>>} — the explainer of
 * Bills et al. 2023 and of "Automatically Interpreting Millions of Features" (Paulo et al. 2024),
 * without their scoring step. Off unless asked for: nothing here runs in tests against a real model.
 */
public final class LatentExplainer {
    static final String SYSTEM = "You are a meticulous AI researcher investigating one feature of a language model's"
            + " internal activations. You will see text excerpts in which the feature is active. Tokens where it fires"
            + " are marked <<like this>>; each excerpt starts with its strongest activation on a 0-10 scale relative to"
            + " the feature's largest. Find what the marked tokens and their contexts have in common. Reply with one"
            + " concise phrase of at most 15 words saying what the feature responds to, and nothing else.";
    private static final int MAX_CHARS = 200;

    private final URI url;
    private final String model;
    private final String apiKey;
    private final int contexts;
    private final Duration timeout;
    private final HttpClient http;

    private LatentExplainer(Builder b) {
        String base = b.endpoint.endsWith("/") ? b.endpoint.substring(0, b.endpoint.length() - 1) : b.endpoint;
        this.url = URI.create(base + "/chat/completions");
        this.model = b.model;
        this.apiKey = b.apiKey;
        this.contexts = b.contexts;
        this.timeout = b.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Who explains: the model and the endpoint, for the report's provenance. */
    public String describe() {
        return model + " at " + url;
    }

    /** The report with every latent that fired explained; {@code progress} hears each latent done. */
    public FeatureReport explainAll(FeatureReport report, IntConsumer progress) {
        List<FeatureReport.Latent> out = new ArrayList<>();
        int done = 0;
        for (FeatureReport.Latent l : report.latents()) {
            out.add(l.fires() == 0 || l.top().isEmpty() ? l : l.withExplanation(explain(l)));
            progress.accept(++done);
        }
        return report.withExplanations(out, describe());
    }

    /** One latent's explanation. */
    public String explain(FeatureReport.Latent latent) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("model", model);
        body.put("temperature", 0);
        body.put("max_tokens", 60);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        messages.addObject().put("role", "user").put("content", prompt(latent, contexts));
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null && !apiKey.isBlank()) {
            req.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> res;
        try {
            res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BottleneckException("could not reach the explainer at " + url + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleneckException("interrupted while waiting for the explainer at " + url, e);
        }
        if (res.statusCode() != 200) {
            String text = res.body() == null ? "" : res.body().strip();
            throw new BottleneckException("the explainer at " + url + " answered HTTP " + res.statusCode() + ": "
                    + text.substring(0, Math.min(200, text.length())));
        }
        try {
            JsonNode content = Json.mapper().readTree(res.body()).path("choices").path(0).path("message").path("content");
            if (!content.isTextual()) {
                throw new BottleneckException("the explainer at " + url + " answered without choices[0].message.content");
            }
            return clean(content.asText());
        } catch (IOException e) {
            throw new BottleneckException("the explainer at " + url + " answered with invalid JSON: " + e.getMessage(), e);
        }
    }

    /** The user message: the tokens it fires on most, then the top contexts with firings marked. */
    static String prompt(FeatureReport.Latent latent, int contexts) {
        StringBuilder p = new StringBuilder();
        if (!latent.frequentTokens().isEmpty()) {
            p.append("Tokens it fires on most: ");
            latent.frequentTokens().stream().limit(8).forEach(t -> p.append('"').append(t.token()).append("\" "));
            p.append("\n\n");
        }
        p.append("Excerpts:\n");
        int n = 0;
        for (FeatureReport.Context c : latent.top()) {
            if (n == contexts) {
                break;
            }
            long level = Math.round(10 * c.activation() / Math.max(1e-9f, latent.maxActivation()));
            p.append(++n).append(". [").append(level).append("] ").append(text(c)).append('\n');
        }
        return p.toString();
    }

    /** A context as text: WordPiece continuations joined, tokens the latent fires on in {@code <<…>>}. */
    static String text(FeatureReport.Context c) {
        StringBuilder s = new StringBuilder();
        boolean open = false;
        for (int i = 0; i < c.tokens().size(); i++) {
            String t = c.tokens().get(i);
            boolean piece = t.startsWith("##");
            boolean fires = c.activations()[i] > 0;
            if (open && (!fires || !piece)) {
                s.append(">>");
                open = false;
            }
            if (!piece && s.length() > 0) {
                s.append(' ');
            }
            if (fires && !open) {
                s.append("<<");
                open = true;
            }
            s.append(piece ? t.substring(2) : t);
        }
        if (open) {
            s.append(">>");
        }
        return s.toString();
    }

    /** The first line of the answer, without quotes around it, at most 200 characters. */
    static String clean(String answer) {
        String s = answer.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl).strip();
        }
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s;
    }

    public static final class Builder {
        private String endpoint;
        private String model;
        private String apiKey;
        private int contexts = 10;
        private Duration timeout = Duration.ofSeconds(60);

        /** The API's base address, e.g. {@code http://localhost:8000/v1}; /chat/completions is appended. */
        public Builder setEndpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /** Sent as a bearer token when not blank (local servers usually need none). */
        public Builder optApiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Top contexts shown per latent (default 10). */
        public Builder optContexts(int n) {
            this.contexts = n;
            return this;
        }

        public Builder optTimeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public LatentExplainer build() {
            if (endpoint == null || !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
                throw new BottleneckException("the explainer endpoint must be an http:// or https:// address, got "
                        + (endpoint == null ? "nothing" : "\"" + endpoint + "\""));
            }
            try {
                URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw new BottleneckException("the explainer endpoint \"" + endpoint + "\" is not a valid address", e);
            }
            if (model == null || model.isBlank()) {
                throw new BottleneckException("the explainer needs a model name (the endpoint's \"model\")");
            }
            if (contexts < 1) {
                throw new BottleneckException("the explainer needs at least 1 context per latent, got " + contexts);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new BottleneckException("the explainer's timeout must be positive, got " + timeout);
            }
            return new LatentExplainer(this);
        }
    }
}

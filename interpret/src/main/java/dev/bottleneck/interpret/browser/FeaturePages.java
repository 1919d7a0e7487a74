package dev.bottleneck.interpret.browser;

import dev.bottleneck.interpret.sae.SaeConfig;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.plot.Histogram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Writes a {@link FeatureReport} as a directory: {@code index.html}, one self-contained page (inline
 * CSS and SVG, no script, no external asset, so it works from {@code file://} and inside the
 * dashboard's sandboxed frame, where relative links to other files would not resolve);
 * {@code features.json}, the report itself; {@code density.png}, the latent-density histogram.
 */
public final class FeaturePages {
    public static final String INDEX = "index.html";
    public static final String JSON = "features.json";
    public static final String DENSITY = "density.png";

    /** Tokens written without a space before them. */
    private static final String CLOSING = ".,;:!?)]}%'";
    /** Tokens written without a space after them. */
    private static final String OPENING = "([{$";

    private FeaturePages() {}

    public static void write(FeatureReport report, Path dir, boolean overwrite) {
        String html = html(report);
        AtomicFiles.writeDirectory(dir, overwrite, tmp -> {
            Files.writeString(tmp.resolve(INDEX), html, StandardCharsets.UTF_8);
            Json.mapper().writeValue(tmp.resolve(JSON).toFile(), report);
            Histogram.write(tmp.resolve(DENSITY), "latent density (log10 firing frequency; 1e-7 = never fired)",
                    Arrays.stream(report.density()).map(d -> Math.log10(d + 1e-7)).toArray(), 50, OptionalDouble.empty());
        });
    }

    /** The page. */
    public static String html(FeatureReport r) {
        SaeConfig c = r.sae();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>SAE features · ")
                .append(esc(c.hook())).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<header id=\"top\">\n<h1>SAE features <small>").append(esc(c.hook())).append("</small></h1>\n<p class=\"meta\">")
                .append(esc(c.architecture().id()));
        if ("topk".equals(c.architecture().id())) {
            h.append(" k = ").append(c.k());
        }
        h.append(" · ").append(num(c.dSae())).append(" latents on ").append(esc(c.model()))
                .append(" · SAE <code>").append(esc(r.saeSource())).append("</code> · corpus <code>").append(esc(r.corpus()))
                .append("</code> · ").append(num(r.tokens())).append(" tokens in ").append(num(r.documents()))
                .append(" documents · seed ").append(r.seed()).append(" · ").append(esc(r.created())).append(" · ")
                .append(esc(r.createdBy()));
        if (r.explainedBy() != null) {
            h.append(" · explanations by <code>").append(esc(r.explainedBy())).append("</code> (a language model's reading")
                    .append(" of the top contexts: check it against them)");
        }
        h.append("</p>\n</header>\n");
        overview(h, r);
        for (FeatureReport.Latent l : r.latents()) {
            latent(h, l, r.sampleSize());
        }
        h.append("<footer>\n<p>Contexts show the latent's activation on every token: the deeper the colour, the stronger, ")
                .append("relative to the latent's largest activation in the scan; the outlined token is the firing. ")
                .append("Token statistics and quantile samples come from a uniform sample of at most ")
                .append(num(r.sampleSize())).append(" firings per latent (exact below that). <i>Fires on</i>: share of the ")
                .append("latent's firings on the token, the token's count in the scan, and the fraction of its occurrences ")
                .append("the latent fires on. <i>Strongest per occurrence</i>: mean activation over every occurrence of the ")
                .append("token (tokens seen at least 3 times, and at least 3 times among the sampled firings).</p>\n</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void overview(StringBuilder h, FeatureReport r) {
        double[] d = r.density();
        int dead = 0;
        int dense = 0;
        for (double v : d) {
            dead += v == 0 ? 1 : 0;
            dense += v > 0.1 ? 1 : 0;
        }
        double[] sorted = d.clone();
        Arrays.sort(sorted);
        h.append("<section class=\"overview\">\n<div class=\"card\">\n<h2>Latent density</h2>\n");
        densitySvg(h, d);
        h.append("<p class=\"meta\">").append(num(d.length - dead)).append(" of ").append(num(d.length))
                .append(" latents fired; never: ").append(num(dead)).append(" (").append(pct(dead / (double) d.length))
                .append("), on more than 10 % of tokens: ").append(num(dense)).append(" · median density ")
                .append(pct(sorted[sorted.length / 2])).append("</p>\n</div>\n");
        h.append("<div class=\"card wide\">\n<h2>Latents shown</h2>\n<table class=\"index\">\n<thead><tr><th>latent</th>")
                .append("<th>density</th><th>mean</th><th>max</th><th>fires most on</th>")
                .append(r.explainedBy() != null ? "<th>explanation</th>" : "").append("</tr></thead>\n<tbody>\n");
        for (FeatureReport.Latent l : r.latents()) {
            h.append("<tr><td><a href=\"#l").append(l.index()).append("\">").append(l.index()).append("</a></td><td>")
                    .append(pct(l.density())).append("</td><td>").append(f(l.meanActivation())).append("</td><td>")
                    .append(f(l.maxActivation())).append("</td><td class=\"toks\">")
                    .append(l.frequentTokens().stream().limit(5).map(t -> "<code>" + esc(t.token()) + "</code>")
                            .collect(Collectors.joining(" ")))
                    .append("</td>");
            if (r.explainedBy() != null) {
                h.append("<td>").append(l.explanation() == null ? "" : esc(l.explanation())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void latent(StringBuilder h, FeatureReport.Latent l, int sampleSize) {
        h.append("<section class=\"latent\" id=\"l").append(l.index()).append("\">\n<h2>Latent ").append(l.index())
                .append(" <small>density ").append(pct(l.density())).append(" · fired ").append(num(l.fires()))
                .append(" times · mean ").append(f(l.meanActivation())).append(" · max ").append(f(l.maxActivation()))
                .append("</small> <a class=\"up\" href=\"#top\">↑ index</a></h2>\n");
        if (l.explanation() != null) {
            h.append("<p class=\"explanation\">").append(esc(l.explanation())).append("</p>\n");
        }
        if (l.fires() == 0) {
            h.append("<p class=\"meta\">Never fired in this scan.</p>\n</section>\n");
            return;
        }
        h.append("<div class=\"row\">\n<div class=\"card\">\n<h3>Activations when firing</h3>\n");
        activationSvg(h, l.histogram(), l.maxActivation());
        h.append("</div>\n<div class=\"card\">\n<h3>Fires on</h3>\n");
        tokenTable(h, l.frequentTokens(), true, l.fires(), sampleSize);
        h.append("</div>\n<div class=\"card\">\n<h3>Strongest per occurrence</h3>\n");
        tokenTable(h, l.strongTokens(), false, l.fires(), sampleSize);
        h.append("</div>\n</div>\n<h3>Top activations</h3>\n<div class=\"ctxs top\">\n");
        for (FeatureReport.Context ctx : l.top()) {
            context(h, ctx, l.maxActivation());
        }
        h.append("</div>\n");
        if (!l.quantiles().isEmpty()) {
            h.append("<h3>Samples by quantile of activation</h3>\n");
            List<FeatureReport.Quantile> qs = new ArrayList<>(l.quantiles());
            java.util.Collections.reverse(qs);
            for (FeatureReport.Quantile q : qs) {
                h.append("<h4>").append(Math.round(100 * q.from())).append("–").append(Math.round(100 * q.to()))
                        .append(" % <small>activation ").append(f(q.lowActivation())).append(" – ")
                        .append(f(q.highActivation())).append("</small></h4>\n<div class=\"ctxs\">\n");
                for (int i = q.samples().size() - 1; i >= 0; i--) { // strongest first, as in the top list
                    context(h, q.samples().get(i), l.maxActivation());
                }
                h.append("</div>\n");
            }
        }
        h.append("</section>\n");
    }

    /** A table of token statistics, with a note when they are estimated from a sample of the firings. */
    private static void tokenTable(StringBuilder h, List<FeatureReport.TokenStat> stats, boolean frequent, long fires,
            int sampleSize) {
        if (stats.isEmpty()) {
            h.append("<p class=\"meta\">none</p>\n");
            return;
        }
        h.append("<table class=\"tokstats\">\n<thead><tr><th>token</th>")
                .append(frequent ? "<th>share</th><th>mean</th>" : "<th>mean / occ.</th>")
                .append("<th>count</th><th>fires on</th></tr></thead>\n<tbody>\n");
        for (FeatureReport.TokenStat t : stats) {
            h.append("<tr><td><code>").append(esc(t.token())).append("</code></td>");
            if (frequent) {
                h.append("<td>").append(pct(t.share())).append("</td><td>").append(f(t.meanWhenFiring())).append("</td>");
            } else {
                h.append("<td>").append(f(t.meanPerOccurrence())).append("</td>");
            }
            h.append("<td>").append(num(t.occurrences())).append("</td><td>").append(pct(t.fireRate())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (fires > sampleSize) {
            h.append("<p class=\"meta\">estimated from ").append(num(sampleSize)).append(" of ").append(num(fires))
                    .append(" firings; counts exact</p>\n");
        }
    }

    /** One context: its activation, then its tokens tinted by activation, the firing outlined. */
    private static void context(StringBuilder h, FeatureReport.Context ctx, float max) {
        h.append("<div class=\"ctx\" data-act=\"").append(String.format(Locale.ROOT, "%.6f", ctx.activation()))
                .append("\" title=\"document ").append(ctx.document()).append(", token ").append(ctx.position())
                .append("\"><span class=\"act\">").append(f(ctx.activation())).append("</span><span class=\"text\">");
        List<String> tokens = ctx.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            boolean piece = t.startsWith("##") && t.length() > 2;
            String shown = piece ? t.substring(2) : t;
            boolean glue = i == 0 || piece || (shown.length() == 1 && CLOSING.contains(shown))
                    || (tokens.get(i - 1).length() == 1 && OPENING.contains(tokens.get(i - 1)));
            if (!glue) {
                h.append(' ');
            }
            float a = ctx.activations()[i];
            boolean hit = i == ctx.marked();
            if (a > 0 || hit) {
                double alpha = max > 0 ? 0.12 + 0.78 * Math.min(1, a / max) : 0;
                h.append("<span class=\"").append(hit ? "t hit" : "t").append("\" style=\"background:rgba(249,115,22,")
                        .append(String.format(Locale.ROOT, "%.2f", alpha)).append(")\" title=\"")
                        .append(f(a)).append("\">").append(esc(shown)).append("</span>");
            } else {
                h.append(esc(shown));
            }
        }
        h.append("</span></div>\n");
    }

    /** Histogram of log10(density) over the latents that fired, in quarter decades. */
    private static void densitySvg(StringBuilder h, double[] density) {
        double lo = 0;
        for (double v : density) {
            if (v > 0) {
                lo = Math.min(lo, Math.floor(Math.log10(v)));
            }
        }
        lo = Math.min(lo, -1);
        int bins = (int) Math.round(-lo * 4);
        int[] counts = new int[bins];
        for (double v : density) {
            if (v > 0) {
                counts[Math.min(bins - 1, (int) ((Math.log10(v) - lo) * 4))]++;
            }
        }
        List<String> ticks = new ArrayList<>();
        for (int e = (int) lo; e <= 0; e++) {
            ticks.add(e == 0 ? "1" : "1e" + e);
        }
        bars(h, counts, ticks, "latents", "density (fraction of tokens a latent fires on), log scale", 560, 170);
    }

    private static void activationSvg(StringBuilder h, int[] histogram, float max) {
        bars(h, histogram, List.of("0", f(max)), "firings", "activation", 260, 120);
    }

    /** A bar chart with evenly spaced x tick labels under the bars' edges. */
    private static void bars(StringBuilder h, int[] counts, List<String> ticks, String yLabel, String xLabel, int w,
            int height) {
        int left = 36;
        int bottom = 34;
        int top = 10;
        int plotW = w - left - 10;
        int plotH = height - bottom - top;
        int peak = Math.max(1, Arrays.stream(counts).max().orElse(1));
        h.append("<svg class=\"chart\" viewBox=\"0 0 ").append(w).append(' ').append(height).append("\" width=\"").append(w)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(esc(yLabel))
                .append(" by ").append(esc(xLabel)).append("\">\n");
        double bw = plotW / (double) counts.length;
        for (int i = 0; i < counts.length; i++) {
            double bh = plotH * counts[i] / (double) peak;
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%d</title></rect>\n",
                    left + i * bw + 0.5, top + plotH - bh, Math.max(0.5, bw - 1), bh, counts[i]));
        }
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left, top + plotH,
                left + plotW, top + plotH));
        for (int i = 0; i < ticks.size(); i++) {
            double x = left + (ticks.size() == 1 ? 0 : plotW * i / (double) (ticks.size() - 1));
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                    top + plotH + 13, esc(ticks.get(i))));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", left + plotW / 2,
                height - 4, esc(xLabel)));
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\">%s</text>\n<text x=\"4\" y=\"%d\">%s</text>\n",
                top + 8, num(peak), top + plotH, "0"));
        h.append("</svg>\n");
    }

    /** Escapes text for HTML content and attribute values. */
    public static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
    }

    private static String pct(double v) {
        double p = 100 * v;
        return String.format(Locale.ROOT, p == 0 ? "0 %%" : p >= 10 ? "%.0f %%" : p >= 0.1 ? "%.2f %%" : "%.4f %%", p);
    }

    private static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static final String CSS = """
            :root { --ink: #1f2933; --muted: #6b7785; --line: #e3e7ec; --card: #ffffff; --bg: #f6f7f9; --hit: #c2410c; }
            * { box-sizing: border-box; }
            body { margin: 0; padding: 24px 32px 48px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                   color: var(--ink); background: var(--bg); }
            h1 { font-size: 24px; margin: 0 0 4px; } h1 small { font-weight: 400; color: var(--muted); font-size: 16px; }
            h2 { font-size: 18px; margin: 0 0 10px; } h2 small, h4 small { font-weight: 400; color: var(--muted); font-size: 13px; }
            .explanation { font-size: 16px; font-style: italic; margin: 4px 0 10px; }
            h3 { font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 18px 0 8px; }
            h4 { font-size: 14px; margin: 14px 0 6px; }
            code { font: 13px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f4;
                   padding: 1px 4px; border-radius: 3px; }
            a { color: #2563eb; text-decoration: none; } a:hover { text-decoration: underline; }
            .meta { color: var(--muted); font-size: 13px; margin: 4px 0; }
            .overview { display: flex; flex-wrap: wrap; gap: 16px; margin: 18px 0 28px; align-items: flex-start; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
            .wide { flex: 1 1 480px; max-height: 420px; overflow: auto; }
            .row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
            table { border-collapse: collapse; font-size: 13px; }
            th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 2px 10px 4px 0; }
            td { padding: 3px 10px 3px 0; border-bottom: 1px solid #f0f2f5; vertical-align: top; }
            table.index { width: 100%; } td.toks code { margin-right: 2px; }
            .latent { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px;
                      margin: 0 0 20px; }
            .latent > h2 { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
            .up { margin-left: auto; font-size: 13px; font-weight: 400; }
            .ctxs { display: flex; flex-direction: column; gap: 3px; }
            .ctx { display: flex; gap: 12px; padding: 3px 8px; border-radius: 4px; }
            .ctx:nth-child(odd) { background: #fafbfc; }
            .act { flex: 0 0 56px; text-align: right; font: 12px/1.9 ui-monospace, Menlo, Consolas, monospace; color: var(--muted); }
            .text { flex: 1; }
            .t { border-radius: 3px; padding: 0 1px; }
            .hit { outline: 2px solid var(--hit); outline-offset: 0; font-weight: 600; }
            svg.chart rect { fill: #3b82f6; } svg.chart line { stroke: #9aa5b1; }
            svg.chart text { font: 10px system-ui, sans-serif; fill: var(--muted); }
            footer { color: var(--muted); font-size: 13px; max-width: 900px; }
            """;
}

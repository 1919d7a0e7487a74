package dev.bottleneck.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JSON lines that both sides of bench/perf.sh wrote into one Markdown table: absolute
 * numbers (median and min–max over repetitions), the speed ratio, and peak RSS where each workload
 * ran in its own process.
 */
public final class PerfReport {
    private PerfReport() {}

    public static String render(Path jsonLines) {
        Map<String, Map<String, JsonNode>> rows = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonLines);
        } catch (IOException e) {
            throw new BottleneckException("cannot read the benchmark results " + jsonLines + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(line);
            } catch (IOException e) {
                throw new BottleneckException("a line of " + jsonLines + " is not JSON: " + line, e);
            }
            String system = n.path("system").asText();
            if (n.has("skipped")) {
                notes.add(system + " skipped: " + n.get("skipped").asText());
                continue;
            }
            rows.computeIfAbsent(n.path("workload").asText(), k -> new LinkedHashMap<>()).put(system, n);
        }
        StringBuilder out = new StringBuilder();
        out.append("| workload | unit | Bottleneck median (min–max) | PyTorch median (min–max) | speed ratio | peak RSS MiB (B / P) |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, JsonNode>> e : rows.entrySet()) {
            JsonNode ours = e.getValue().get("bottleneck");
            JsonNode peer = e.getValue().get("pytorch");
            JsonNode any = ours != null ? ours : peer;
            String unit = any.path("unit").asText();
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s / %s |%n", e.getKey(), unit,
                    cell(ours), cell(peer), ratio(ours, peer, unit), rss(ours), rss(peer)));
        }
        out.append("\nspeed ratio = Bottleneck ÷ PyTorch throughput (for latency in ms: PyTorch ÷ Bottleneck), so > 1 means Bottleneck is faster.\n");
        for (String note : notes) {
            out.append(note).append('\n');
        }
        return out.toString();
    }

    private static String cell(JsonNode n) {
        if (n == null) {
            return "—";
        }
        return fmt(n.path("median").asDouble()) + " (" + fmt(n.path("min").asDouble()) + "–" + fmt(n.path("max").asDouble()) + ")";
    }

    private static String ratio(JsonNode ours, JsonNode peer, String unit) {
        if (ours == null || peer == null) {
            return "—";
        }
        double a = ours.path("median").asDouble();
        double b = peer.path("median").asDouble();
        double r = unit.equals("ms") ? b / a : a / b;
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    private static String rss(JsonNode n) {
        return n == null || !n.has("rss_mib") || n.get("rss_mib").asDouble() < 0 ? "—"
                : String.format(Locale.ROOT, "%.0f", n.get("rss_mib").asDouble());
    }

    /** Three significant figures, thousands separated: 1,234 / 56.7 / 0.0123. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}

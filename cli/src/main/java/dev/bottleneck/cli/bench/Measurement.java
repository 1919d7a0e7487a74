package dev.bottleneck.cli.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One workload's result from one system: the per-repetition values (warm-up already excluded),
 * their median and spread, and the process's peak RSS. Printed as one JSON line, the same shape
 * bench/peers/perf_torch.py prints, so bench/perf.sh can put both sides in one table.
 *
 * @param workload  e.g. {@code dense}, {@code sgemm-1t}
 * @param unit      e.g. {@code samples/s}; for {@code ms} (latency) lower is better
 * @param values    one value per timed repetition
 * @param extra     workload details (sizes, threads) shown beside the table
 */
public record Measurement(String workload, String unit, double[] values, Map<String, Object> extra) {
    public Measurement {
        values = values.clone();
        extra = Map.copyOf(extra);
    }

    public double median() {
        return quantile(values, 0.5);
    }

    public double min() {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    public double max() {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The JSON object bench/perf.sh collects (system, workload, unit, median, min, max, values, rss_mib, extras). */
    public Map<String, Object> toJson(long rssKib) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", "bottleneck");
        m.put("workload", workload);
        m.put("unit", unit);
        m.put("median", median());
        m.put("min", min());
        m.put("max", max());
        m.put("values", values);
        m.put("rss_mib", rssKib / 1024.0);
        m.putAll(extra);
        return m;
    }

    /** Linear-interpolated quantile (numpy's default), q in [0, 1]. */
    static double quantile(double[] xs, double q) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}

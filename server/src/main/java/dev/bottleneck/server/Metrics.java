package dev.bottleneck.server;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters and latencies for {@code GET /api/metrics}: counts by status class, rows
 * computed, and p50 / p99 latency over the most recent {@value #WINDOW} API requests (a ring
 * buffer, so memory stays fixed however long the server runs).
 */
final class Metrics {
    static final int WINDOW = 10_000;

    private final Instant started = Instant.now();
    private final LongAdder requests = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final double[] latencies = new double[WINDOW];
    private long recorded;

    /** What {@code /api/metrics} answers. */
    record Snapshot(
            double uptimeSeconds,
            long requests,
            long responses2xx,
            long responses4xx,
            long responses5xx,
            long rowsComputed,
            Double latencyP50Ms,
            Double latencyP99Ms,
            int latencyWindow,
            int modelsLoaded,
            long heapUsedBytes,
            long heapMaxBytes) {}

    void record(int status, double millis) {
        requests.increment();
        if (status >= 500) {
            serverErrors.increment();
        } else if (status >= 400) {
            clientErrors.increment();
        } else {
            ok.increment();
        }
        synchronized (latencies) {
            latencies[(int) (recorded % WINDOW)] = millis;
            recorded++;
        }
    }

    void rows(int n) {
        rows.add(n);
    }

    Snapshot snapshot(int modelsLoaded) {
        double[] window;
        synchronized (latencies) {
            window = Arrays.copyOf(latencies, (int) Math.min(recorded, WINDOW));
        }
        Arrays.sort(window);
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Snapshot(Duration.between(started, Instant.now()).toMillis() / 1000.0, requests.sum(), ok.sum(),
                clientErrors.sum(), serverErrors.sum(), rows.sum(), percentile(window, 0.50), percentile(window, 0.99),
                window.length, modelsLoaded, heap.getUsed(), heap.getMax());
    }

    /** Nearest-rank percentile of sorted values, or null when there are none. */
    static Double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.io.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The performance harness's smoke mode (bench perf --quick and bench/perf.sh --quick); speed itself is never asserted. */
class PerfCliTest {
    @Test
    void quickRunPrintsOneMeasurementPerWorkloadWithRepetitionsAndPeakMemory() throws IOException {
        Cli.Result r = Cli.ok("bench", "perf", "--quick", "--threads", "1", "--workload", "dense,sae,sgemm",
                "--datasets", Cli.DATASETS, "--fashion-dir", Cli.DATASETS.resolve("fashion-mnist-2k"));
        List<String> names = new ArrayList<>();
        for (String line : r.outLines()) {
            JsonNode n = Json.mapper().readTree(line);
            names.add(n.get("workload").asText());
            assertEquals("bottleneck", n.get("system").asText());
            assertEquals(1, n.get("values").size(), line);
            double median = n.get("median").asDouble();
            assertTrue(median > 0 && Double.isFinite(median), line);
            assertTrue(n.get("min").asDouble() <= median && median <= n.get("max").asDouble(), line);
            assertTrue(n.get("rss_mib").asDouble() > 0, line);
        }
        assertEquals(List.of("dense", "sae", "sgemm-1t", "sgemm-2t"), names);
    }

    @Test
    void unknownWorkloadIsAUsageError() {
        Cli.assertError(Cli.run("bench", "perf", "--quick", "--workload", "nope"), Main.EXIT_USAGE, "nope", "dense");
    }

    @Test
    void scriptPrintsTheTableAndSkipsAPeerWithoutTorch() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = Path.of("..", "bench", "perf.sh").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--quick", "--threads", "1", "--only", "dense")
                .redirectErrorStream(true);
        pb.environment().put("BOTTLENECK_CMD", java + " -Xmx1g -Dai.djl.offline=true -cp "
                + System.getProperty("java.class.path") + " dev.bottleneck.cli.Main");
        pb.environment().put("PERF_PYTHON", "/bin/false"); // an interpreter without torch
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "bench/perf.sh --quick did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("| dense | samples/s | ") && l.contains("| — |")), out);
        assertTrue(out.contains("pytorch skipped: /bin/false has no torch"), out);
    }
}

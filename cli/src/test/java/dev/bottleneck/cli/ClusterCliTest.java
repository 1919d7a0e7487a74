package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck cluster}: one row per input, metrics, plots, the scene map, and one sentence per bad input. */
class ClusterCliTest {
    static final Path LANDSAT = Cli.DATASETS.resolve("statlog-landsat/statlog-landsat.csv.gz");
    static final Path PLAYA = Cli.DATASETS.resolve("remote-sensing/Playa_Image.tif");
    static final Path PLAYA_TRUTH = Cli.DATASETS.resolve("remote-sensing/Playa_Training.tif");

    @TempDir
    Path tmp;

    @Test
    void pcaOnATableWritesOneClusterPerRowMetricsAndBothScatterPlots() {
        Path out = tmp.resolve("landsat");
        Cli.ok("cluster", "--data", LANDSAT, "--label", "class", "--k", 6, "--method", "pca", "--seed", 0,
                "--restarts", 2, "--out", out);
        List<String> lines = Cli.lines(out.resolve("assignments.csv"));
        assertEquals("cluster,class", lines.get(0));
        assertEquals(6435 + 1, lines.size());
        assertEquals(6, lines.stream().skip(1).map(l -> l.split(",")[0]).distinct().count());
        JsonNode m = Cli.json(out.resolve("metrics.json"));
        assertEquals("pca", m.get("method").asText());
        assertEquals(6435, m.get("evaluated_rows").asInt());
        double nmi = m.get("nmi").asDouble();
        assertTrue(nmi > 0.3 && nmi <= 1, "NMI " + nmi);
        assertTrue(Files.isRegularFile(out.resolve("scatter-clusters.png")));
        assertTrue(Files.isRegularFile(out.resolve("scatter-labels.png")));
    }

    @Test
    void sameSeedSameAssignments() {
        Object[] args = {"cluster", "--data", Cli.FASHION_TRAIN, "--limit", 300, "--k", 5, "--method", "ae",
            "--latent", 4, "--epochs", 2, "--seed", 4, "--restarts", 2};
        Cli.ok(concat(args, "--out", tmp.resolve("a")));
        Cli.ok(concat(args, "--out", tmp.resolve("b")));
        List<String> a = Cli.lines(tmp.resolve("a/assignments.csv"));
        assertEquals(301, a.size());
        assertEquals("cluster,label", a.get(0));
        assertEquals(a, Cli.lines(tmp.resolve("b/assignments.csv")));
    }

    @Test
    void n2dReportsItsMixtureAndTheAutoencodersOwnKMeansBesideIt() {
        Path out = tmp.resolve("n2d");
        Cli.ok("cluster", "--data", Cli.FASHION_TRAIN, "--limit", 300, "--k", 4, "--method", "n2d", "--layers", "32",
                "--latent", 5, "--pretrain-epochs", 0, "--epochs", 2, "--umap-neighbours", 8, "--umap-components", 3,
                "--seed", 1, "--restarts", 2, "--out", out);
        JsonNode m = Cli.json(out.resolve("metrics.json"));
        assertEquals("n2d", m.get("method").asText());
        assertEquals(3, m.get("code_width").asInt(), "the UMAP embedding is what the clusters were found in");
        assertTrue(m.get("mixture").get("log_likelihood_per_row").isNumber());
        assertTrue(m.has("start_accuracy"), m.toString());
        assertEquals(301, Cli.lines(out.resolve("assignments.csv")).size());
        Cli.assertError(Cli.run("cluster", "--data", Cli.FASHION_TRAIN, "--k", 4, "--method", "n2d",
                "--umap-neighbours", 1, "--out", tmp.resolve("bad")), Main.EXIT_USAGE, "UMAP needs at least 2 neighbours");
    }

    @Test
    void scanReportsItsHeadsBesideTheAutoencodersOwnKMeans() {
        Path out = tmp.resolve("scan");
        Cli.ok("cluster", "--data", Cli.FASHION_TRAIN, "--limit", 300, "--k", 4, "--method", "scan", "--layers", "32",
                "--latent", 5, "--pretrain-epochs", 0, "--epochs", 2, "--umap-neighbours", 8, "--scan-heads", 3,
                "--scan-survivors", 2, "--scan-epochs", 6, "--scan-neighbours", 5, "--seed", 1, "--restarts", 2, "--out", out);
        JsonNode m = Cli.json(out.resolve("metrics.json"));
        assertEquals("scan", m.get("method").asText());
        assertEquals(4, m.get("code_width").asInt(), "UMAP into k dimensions by default");
        JsonNode scan = m.get("scan");
        JsonNode finals = scan.get("final_losses");
        assertEquals(3, finals.size());
        int kept = scan.get("kept_head").asInt();
        int finished = 0;
        for (int h = 0; h < 3; h++) {
            assertTrue(scan.get("screening_losses").get(h).isNumber(), scan.toString());
            if (!finals.get(h).isNull()) {
                finished++;
                assertTrue(finals.get(kept).asDouble() <= finals.get(h).asDouble(), scan.toString());
            }
        }
        assertEquals(2, finished, "--scan-survivors 2 of --scan-heads 3");
        assertTrue(scan.get("size_entropy").asDouble() <= Math.log(4) + 1e-9, scan.toString());
        // the reported parts are the kept head's: its loss is consistency − weight × size entropy
        assertEquals(finals.get(kept).asDouble(),
                scan.get("consistency").asDouble() - 5 * scan.get("size_entropy").asDouble(), 1e-9, scan.toString());
        assertTrue(m.has("start_accuracy"), m.toString());
        assertEquals(301, Cli.lines(out.resolve("assignments.csv")).size());
        Cli.assertError(Cli.run("cluster", "--data", Cli.FASHION_TRAIN, "--k", 4, "--method", "scan",
                "--scan-entropy-weight", -1, "--out", tmp.resolve("bad")), Main.EXIT_USAGE, "entropy weight >= 0");
    }

    @Test
    void aSceneIsClusteredPixelByPixelAndMappedBesideItsGroundTruth() {
        Path out = tmp.resolve("playa");
        Cli.ok("cluster", "--data", PLAYA, "--truth", PLAYA_TRUTH, "--k", 3, "--method", "kmeans", "--restarts", 1,
                "--out", out);
        assertEquals(436 * 433 + 1, Cli.lines(out.resolve("assignments.csv")).size());
        JsonNode m = Cli.json(out.resolve("metrics.json"));
        assertEquals(600, m.get("evaluated_rows").asInt()); // the labelled pixels of Playa_Training.tif
        assertTrue(Files.isRegularFile(out.resolve("map.png")));
    }

    @Test
    void badInputIsOneSentenceAndExitTwo() {
        Path out = tmp.resolve("x");
        Cli.assertError(Cli.run("cluster", "--data", LANDSAT, "--label", "class", "--k", 1, "--out", out),
                Main.EXIT_USAGE, "--k must be 2 or more");
        Cli.assertError(Cli.run("cluster", "--data", LANDSAT, "--label", "class", "--k", 3, "--method", "spectral",
                "--out", out), Main.EXIT_USAGE, "clustering method \"spectral\" is not known", "kmeans, pca");
        Path tiny = Cli.write(tmp.resolve("tiny.csv"), "a,b\n1,2\n3,4\n5,6\n");
        Cli.assertError(Cli.run("cluster", "--data", tiny, "--k", 4, "--method", "kmeans", "--out", out),
                Main.EXIT_USAGE, "--k 4 is more clusters than the 3 rows");
        Cli.assertError(Cli.run("cluster", "--data", tiny, "--k", 2, "--method", "depict", "--out", out),
                Main.EXIT_USAGE, "needs images");
        Cli.assertError(Cli.run("cluster", "--data", PLAYA, "--neighbourhood", 2, "--k", 2, "--out", out),
                Main.EXIT_USAGE, "odd width");
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

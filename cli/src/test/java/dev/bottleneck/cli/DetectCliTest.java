package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck detect}: the output files, and one sentence for each kind of bad input. */
class DetectCliTest {
    static final String TRAIN = "a,b,c,label\n" + rows(40, false);
    static final String TEST = "a,b,c,label\n" + rows(10, true);

    @TempDir
    Path tmp;

    static String rows(int n, boolean withOutlier) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            boolean out = withOutlier && i == n - 1;
            sb.append(out ? 40 : i % 7).append(',').append(out ? -30 : (i * 3) % 5).append(',')
                    .append((i % 7) + (i * 3) % 5).append(',').append(out ? 1 : 0).append('\n');
        }
        return sb.toString();
    }

    private Cli.Result detect(String train, String test, Object... more) {
        Path tr = Cli.write(tmp.resolve("train.csv"), train);
        Path te = Cli.write(tmp.resolve("test.csv"), test);
        Object[] args = new Object[more.length + 9];
        Object[] base = {"detect", "--data", tr, "--test", te, "--out", tmp.resolve("scores.csv"), "--epochs", 3};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    private static void fails(Cli.Result r, String... fragments) {
        Cli.assertError(r, Main.EXIT_RUNTIME, fragments);
    }

    @Test
    void writesScoresLabelsHistogramAndDetector() throws java.io.IOException {
        Cli.Result r = detect(TRAIN, TEST, "--label", "label", "--save", tmp.resolve("det"));
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Cli.lines(tmp.resolve("scores.csv"));
        assertEquals("score,label,true_label", lines.get(0));
        assertEquals(11, lines.size());
        for (String l : lines.subList(1, lines.size())) {
            String[] p = l.split(",");
            assertTrue(Double.isFinite(Double.parseDouble(p[0])), l);
            assertTrue(p[1].equals("0") || p[1].equals("1"), l);
        }
        assertTrue(Files.size(tmp.resolve("scores.png")) > 1000);
        assertTrue(Files.isRegularFile(tmp.resolve("det/detector.json")));
        assertTrue(r.err().contains("ROC-AUC"), r.err());
    }

    @Test
    void testWithoutTheLabelColumnAndMemae() {
        String unlabelled = "a,b,c\n1,2,3\n4,0,4\n";
        Cli.Result r = detect(TRAIN, unlabelled, "--label", "label", "--detector", "memae", "--quantile", 0.95);
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("score", "label"), List.of(Cli.lines(tmp.resolve("scores.csv")).get(0).split(",")));
    }

    @Test
    void widthMismatch() {
        Cli.Result r = detect(TRAIN, "a,b,label\n1,2,0\n", "--label", "label");
        fails(r, "2 feature columns", "fitted on 3");
    }

    @Test
    void missingCellsNeedImpute() {
        String withHole = "a,b,c,label\n1,,3,0\n2,2,2,0\n";
        fails(detect(TRAIN, withHole, "--label", "label"), "test.csv", "row");
        assertEquals(0, detect(TRAIN, withHole, "--label", "label", "--impute", "mean").code());
    }

    @Test
    void constantColumnIsHandled() {
        String constant = TRAIN.replaceAll("(?m)^(\\d+),", "5,").replace("a,b,c,label\n", "a,b,c,label\n");
        Cli.Result r = detect(constant, TEST, "--label", "label");
        assertEquals(0, r.code(), r.toString());
        for (String l : Cli.lines(tmp.resolve("scores.csv")).subList(1, 11)) {
            assertTrue(Double.isFinite(Double.parseDouble(l.split(",")[0])), l);
        }
    }

    @Test
    void contaminationOutOfRange() {
        for (String c : new String[] {"0", "0.7", "-1"}) {
            fails(detect(TRAIN, TEST, "--label", "label", "--contamination", c),
                    "contamination must be in (0, 0.5]");
        }
        fails(detect(TRAIN, TEST, "--label", "label", "--contamination", 0.1, "--quantile", 0.9),
                "only one of");
    }

    @Test
    void anUnnamedLabelColumnIsNeverUsed() {
        Cli.Result r = detect(TRAIN, TEST);
        fails(r, "\"label\"", "--label label");
        assertFalse(Files.exists(tmp.resolve("scores.csv")));
    }

    @Test
    void unknownDetector() {
        fails(detect(TRAIN, TEST, "--label", "label", "--detector", "svm"), "svm", "ae, memae");
    }

    @Test
    void probabilisticAndVariationalDetectors() {
        Cli.Result r = detect(TRAIN, TEST, "--label", "label", "--detector", "pae", "--alpha", 1, "--beta", 0.5,
                "--mss-k", 5, "--mss-iterations", 2, "--save", tmp.resolve("pae"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("pae/mean_shift_pool.safetensors")));
        assertEquals(11, Cli.lines(tmp.resolve("scores.csv")).size());
        r = detect(TRAIN, TEST, "--label", "label", "--detector", "vae", "--samples", 3, "--overwrite");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void knnDetectorScoresSavesAndRefusesBadSettings() {
        Cli.Result r = detect(TRAIN, TEST, "--label", "label", "--detector", "knn", "--neighbours", 3,
                "--aggregation", "mean", "--save", tmp.resolve("knn"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("knn/knn_reference.safetensors")));
        List<String> lines = Cli.lines(tmp.resolve("scores.csv"));
        assertEquals(11, lines.size());
        // the planted outlier (last row) scores highest
        double last = Double.parseDouble(lines.get(10).split(",")[0]);
        for (String l : lines.subList(1, 10)) {
            assertTrue(Double.parseDouble(l.split(",")[0]) < last, l);
        }
        fails(detect(TRAIN, TEST, "--label", "label", "--detector", "knn", "--aggregation", "max"),
                "kNN aggregation must be one of largest, mean, median, got max");
        fails(detect(TRAIN, TEST, "--label", "label", "--detector", "knn", "--neighbours", 40),
                "needs at least 41 training rows");
    }

    @Test
    void fewerTrainingRowsThanTheMeanShiftNeighbourhood() {
        fails(detect(TRAIN, TEST, "--label", "label", "--detector", "pae", "--mss-k", 60),
                "k = 60", "needs at least 59 training rows, but there are 40");
    }

    @Test
    void oneClassBenchmarkSmoke() {
        Path images = Cli.DATASETS.resolve("fashion-mnist-2k");
        Cli.Result r = Cli.run("bench", "one-class", "--train", images.resolve("train-images-idx3-ubyte.gz"),
                "--test", images.resolve("t10k-images-idx3-ubyte.gz"), "--classes", "1", "--per-class", 64,
                "--detectors", "ae+epochs=1", "--out", tmp.resolve("oc.csv"));
        assertEquals(0, r.code(), r.toString());
        List<String> rows = Cli.lines(tmp.resolve("oc.csv"));
        assertEquals(2, rows.size());
        double auc = Double.parseDouble(rows.get(1).split(",")[2]);
        assertTrue(auc >= 0 && auc <= 1, rows.get(1));
    }
}

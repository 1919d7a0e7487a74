package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** train → score / encode / reconstruct / info through the command line, as a user runs them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliWorkflowTest {
    static final int WDBC_ROWS = 367;
    static final int WDBC_COLS = 30;

    @TempDir
    static Path tmp;

    Path trainDir;
    Path m1;
    Cli.Result trained;
    List<String> afterTrain;

    @BeforeAll
    void trainOnce() throws IOException {
        assertTrue(Files.isRegularFile(Cli.WDBC), "shipped data missing: " + Cli.WDBC);
        trainDir = Files.createDirectory(tmp.resolve("train"));
        m1 = trainDir.resolve("m1");
        trained = Cli.run("train", "--data", Cli.WDBC, "--label", "label", "--model", "dense", "--latent", 8,
                "--epochs", 5, "--out", m1);
        afterTrain = Cli.list(trainDir);
    }

    @Test
    void trainWritesACompleteModelDirectoryAndCleansUp() throws IOException {
        assertEquals(0, trained.code(), () -> trained.toString());
        for (String f : List.of("config.json", "model.safetensors", "history.jsonl", "loss.png")) {
            assertTrue(Files.isRegularFile(m1.resolve(f)), f + " missing in " + Cli.list(m1));
            assertTrue(Files.size(m1.resolve(f)) > 0, f + " is empty");
        }
        // only the model: no temporary directories, no checkpoint left beside it
        assertEquals(List.of("m1"), afterTrain);
        assertFalse(Files.exists(trainDir.resolve("m1.ckpt")));
        assertTrue(Cli.list(m1).stream().noneMatch(n -> n.startsWith(".")), "hidden leftovers: " + Cli.list(m1));

        List<String> history = Cli.lines(m1.resolve("history.jsonl"));
        assertEquals(5, history.size(), "one line per epoch: " + history);
        for (int i = 0; i < history.size(); i++) {
            JsonNode r = Json.mapper().readTree(history.get(i));
            assertEquals(i + 1, r.path("epoch").asInt(), history.get(i));
            assertTrue(Double.isFinite(r.path("train_loss").asDouble(Double.NaN)), history.get(i));
        }
        byte[] png = Files.readAllBytes(m1.resolve("loss.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), "loss.png is not a PNG");

        JsonNode config = Cli.json(m1.resolve("config.json"));
        assertEquals("dense", config.path("family").asText());
        assertEquals("label", config.path("label_column").asText());
        assertEquals(8, config.path("architecture").path("latent").asInt());
        assertFalse(config.path("provenance").path("resumed").asBoolean(true));
        assertEquals(5, config.path("provenance").path("epochs").asInt());
    }

    @Test
    void scoreWritesOneRowPerInputRowWithTheLabel() {
        Path csv = tmp.resolve("s.csv");
        Cli.Result r = Cli.ok("score", "--model", m1, "--data", Cli.WDBC, "--out", csv);
        assertEquals("", r.out(), "with --out nothing goes to stdout");
        List<String> lines = Cli.lines(csv);
        assertEquals("score,label", lines.get(0));
        assertEquals(WDBC_ROWS + 1, lines.size());
        Set<String> labels = lines.stream().skip(1).map(l -> {
            String[] f = l.split(",");
            assertEquals(2, f.length, l);
            double s = Double.parseDouble(f[0]);
            assertTrue(Double.isFinite(s) && s >= 0, "score " + l);
            return f[1];
        }).collect(Collectors.toSet());
        assertEquals(Set.of("0", "1"), labels, "the label column is carried through");
        assertTrue(Cli.list(tmp).stream().noneMatch(n -> n.contains(".tmp-")), "temp file left: " + Cli.list(tmp));

        // the same CSV, byte for byte, on standard output without --out
        Cli.Result stdout = Cli.ok("score", "--model", m1, "--data", Cli.WDBC);
        assertEquals(lines, stdout.outLines());
    }

    @Test
    void encodeWritesTheLatentColumns() {
        Cli.Result r = Cli.ok("encode", "--model", m1, "--data", Cli.WDBC);
        List<String> lines = r.outLines();
        List<String> header = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            header.add("z" + i);
        }
        header.add("label");
        assertEquals(String.join(",", header), lines.get(0));
        assertEquals(WDBC_ROWS + 1, lines.size());
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            assertEquals(9, f.length, l);
            for (int j = 0; j < 8; j++) {
                assertTrue(Double.isFinite(Double.parseDouble(f[j])), l);
            }
        }
    }

    @Test
    void reconstructWritesTheInputColumns() {
        Path csv = tmp.resolve("r.csv");
        Cli.ok("reconstruct", "--model", m1, "--data", Cli.WDBC, "--out", csv);
        List<String> lines = Cli.lines(csv);
        List<String> header = new ArrayList<>();
        for (int i = 0; i < WDBC_COLS; i++) {
            header.add("x" + i);
        }
        header.add("label");
        assertEquals(String.join(",", header), lines.get(0));
        assertEquals(WDBC_ROWS + 1, lines.size());
        assertEquals(WDBC_COLS + 1, lines.get(1).split(",").length);
    }

    @Test
    void scoringDataWithoutTheLabelColumnWorks() throws IOException {
        // a headerless-label copy of three WDBC rows: the model's label column is simply absent
        Path csv = Cli.write(tmp.resolve("features-only.csv"), threeRowsWithoutLabel());
        Cli.Result r = Cli.ok("score", "--model", m1, "--data", csv);
        List<String> lines = r.outLines();
        assertEquals(List.of("score"), List.of(lines.get(0).split(",")));
        assertEquals(4, lines.size());
    }

    private static String threeRowsWithoutLabel() throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(Cli.WDBC));
                var r = new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            List<String> header = List.of(r.readLine().split(","));
            int label = header.indexOf("label");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                List<String> f = new ArrayList<>(List.of((i == 0 ? String.join(",", header) : r.readLine()).split(",")));
                f.remove(label);
                sb.append(String.join(",", f)).append('\n');
            }
            return sb.toString();
        }
    }

    @Test
    void infoDescribesTheModel() {
        Cli.Result r = Cli.ok("info", "--model", m1);
        assertTrue(r.out().contains("family       dense"), r.out());
        assertTrue(r.out().contains("latent       8"), r.out());
        assertTrue(r.out().contains("label column label"), r.out());
        Cli.Result json = Cli.ok("info", "--model", m1, "--json");
        assertTrue(json.out().contains("\"family\""), json.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "denoising", "contractive"})
    void everyTableFamilyTrains(String family) throws IOException {
        Path out = tmp.resolve("family-" + family);
        List<Object> args = new ArrayList<>(List.of("train", "--data", Cli.WDBC, "--label", "label", "--model", family,
                "--latent", 4, "--epochs", 2, "--out", out));
        if (family.equals("denoising")) {
            args.addAll(List.of("--noise", "masking:0.2"));
        }
        Cli.ok(args.toArray());
        JsonNode config = Cli.json(out.resolve("config.json"));
        assertEquals(family, config.path("family").asText());
        switch (family) {
            case "denoising":
                assertEquals("masking", config.path("corruption").path("kind").asText(), config.toString());
                assertEquals(0.2, config.path("corruption").path("level").asDouble(), 1e-9);
                break;
            case "contractive":
                assertEquals("contractive", config.path("bottleneck").path("type").asText(), config.toString());
                // the Jacobian penalty is logged as its own loss term
                JsonNode first = Json.mapper().readTree(Cli.lines(out.resolve("history.jsonl")).get(0));
                assertTrue(first.path("terms").size() > 0, "contractive term missing: " + first);
                break;
            default:
                assertEquals("none", config.path("corruption").path("kind").asText(), config.toString());
        }
        Cli.Result scores = Cli.ok("score", "--model", out, "--data", Cli.WDBC);
        assertEquals(WDBC_ROWS + 1, scores.outLines().size());
    }

    @Test
    void convTrainsOnIdxImages() {
        assertTrue(Files.isRegularFile(Cli.FASHION_TRAIN), "shipped data missing: " + Cli.FASHION_TRAIN);
        Path out = tmp.resolve("conv");
        Cli.ok("train", "--data", Cli.FASHION_TRAIN, "--model", "conv", "--filters", "4,8", "--latent", 8,
                "--epochs", 1, "--out", out);
        for (String f : List.of("config.json", "model.safetensors", "history.jsonl", "loss.png", "reconstructions.png")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing in " + Cli.list(out));
        }
        assertEquals("conv", Cli.json(out.resolve("config.json")).path("family").asText());
        assertEquals(1, Cli.lines(out.resolve("history.jsonl")).size());

        Cli.Result codes = Cli.ok("encode", "--model", out, "--data", Cli.FASHION_TEST);
        List<String> lines = codes.outLines();
        assertTrue(lines.get(0).startsWith("z0,z1,z2,z3,z4,z5,z6,z7"), lines.get(0));
        assertEquals(1000 + 1, lines.size(), "one code per test image");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "encode", "reconstruct", "score", "info", "demo"})
    void everySubcommandHasHelp(String command) {
        Cli.Result r = Cli.ok(command, "--help");
        assertTrue(r.out().startsWith("Usage: bottleneck " + command), r.out());
        assertEquals("", r.err());
    }

    @Test
    void topLevelHelpAndVersion() {
        Cli.Result help = Cli.ok("--help");
        for (String c : List.of("train", "encode", "reconstruct", "score", "info", "demo")) {
            assertTrue(help.out().contains(c), "top-level help lists " + c + ":\n" + help.out());
        }
        assertTrue(Cli.ok("help", "train").out().startsWith("Usage: bottleneck train"));
        assertTrue(Cli.ok("--version").out().startsWith("bottleneck "));
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        Cli.assertError(r, Main.EXIT_USAGE, "command is required");
    }
}

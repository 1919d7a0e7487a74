package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every documented way to get the input wrong ends with the documented exit code and one sentence
 * on standard error that starts with "bottleneck: " and names the problem.
 */
class CliBadInputTest {
    static final String NARROW = "a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,0,1\n2,2,2\n3,1,0\n";

    @TempDir
    static Path shared;

    /** A small model trained on a 3-column table, for the scoring cases. */
    static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainSmallModel() {
        Path csv = Cli.write(shared.resolve("narrow.csv"), NARROW);
        model = shared.resolve("model");
        Cli.ok("train", "--data", csv, "--latent", 2, "--epochs", 1, "--out", model);
    }

    private Cli.Result train(Object... more) {
        Object[] args = new Object[more.length + 3];
        args[0] = "train";
        args[1] = "--out";
        args[2] = tmp.resolve("out");
        System.arraycopy(more, 0, args, 3, more.length);
        Cli.Result r = Cli.run(args);
        if (r.code() != 0) {
            assertFalse(Files.exists(tmp.resolve("out")), "a failed run must not leave a model directory");
        }
        return r;
    }

    @Test
    void missingDataFile() {
        Path missing = tmp.resolve("no-such-file.csv");
        Cli.assertError(train("--data", missing), Main.EXIT_RUNTIME, "no-such-file.csv", "does not exist");
    }

    @Test
    void emptyFile() {
        Path f = Cli.write(tmp.resolve("empty.csv"), "");
        Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "empty.csv", "empty");
    }

    @Test
    void headerOnlyCsv() {
        Path f = Cli.write(tmp.resolve("header.csv"), "a,b,c\n");
        Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "header.csv", "no data rows");
    }

    @Test
    void raggedRowIsNamed() {
        Path f = Cli.write(tmp.resolve("ragged.csv"), "a,b,c\n1,2,3\n4,5\n7,8,9\n");
        String msg = Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "ragged.csv", "row 3");
        assertTrue(msg.contains("2") && msg.contains("3 columns"), msg);
    }

    @Test
    void nonNumericCellNamesRowAndColumn() {
        Path f = Cli.write(tmp.resolve("text.csv"), "a,b,c\n1,2,3\n4,oops,6\n");
        Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "row 3", "\"b\"", "oops", "not a number");
    }

    @Test
    void nanIsRejectedByDefaultAndImputedOnRequest() {
        Path f = Cli.write(tmp.resolve("nan.csv"), "a,b,c\n1,2,3\n4,NaN,6\n7,8,9\n1,1,1\n2,0,2\n");
        Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "row 3", "\"b\"", "NaN", "--impute mean");

        Cli.Result ok = train("--data", f, "--impute", "mean", "--epochs", 1);
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(Files.isRegularFile(tmp.resolve("out/model.safetensors")));
    }

    @Test
    void blankCellIsAMissingValueToo() {
        Path f = Cli.write(tmp.resolve("blank.csv"), "a,b,c\n1,2,3\n4,,6\n");
        Cli.assertError(train("--data", f), Main.EXIT_RUNTIME, "row 3", "\"b\"", "--impute");
    }

    @Test
    void unknownImputePolicy() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.Result r = train("--data", f, "--impute", "median");
        assertNotEquals(0, r.code());
        Cli.assertOneLine(r, "median");
    }

    @Test
    void scoringDataOfTheWrongWidthNamesBothWidths() {
        Path wide = Cli.write(tmp.resolve("wide.csv"), "a,b,c,d,e,f,g\n1,2,3,4,5,6,7\n");
        String msg = Cli.assertError(Cli.run("score", "--model", model, "--data", wide), Main.EXIT_RUNTIME, "wide.csv");
        assertTrue(Pattern.compile("\\b7\\b").matcher(msg).find(), "names the data's width 7: " + msg);
        assertTrue(Pattern.compile("\\b3\\b").matcher(msg).find(), "names the model's width 3: " + msg);
    }

    @Test
    void truncatedWeightsAreReportedCorrupt() throws IOException {
        Path copy = copyModel();
        Path weights = copy.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path data = Cli.write(tmp.resolve("narrow.csv"), NARROW);
        Cli.assertError(Cli.run("score", "--model", copy, "--data", data), Main.EXIT_RUNTIME, "model.safetensors", "corrupt");
    }

    @Test
    void missingWeightsFile() throws IOException {
        Path copy = copyModel();
        Files.delete(copy.resolve("model.safetensors"));
        Path data = Cli.write(tmp.resolve("narrow.csv"), NARROW);
        Cli.assertError(Cli.run("score", "--model", copy, "--data", data), Main.EXIT_RUNTIME, "model.safetensors");
    }

    @Test
    void futureFormatVersionIsRefused() throws IOException {
        Path copy = copyModel();
        Path cfg = copy.resolve("config.json");
        ObjectNode node = (ObjectNode) Json.mapper().readTree(cfg.toFile());
        assertTrue(node.has("format_version"), "config.json has no format_version: " + node);
        node.put("format_version", 99);
        Files.writeString(cfg, Json.mapper().writeValueAsString(node));
        Path data = Cli.write(tmp.resolve("narrow.csv"), NARROW);
        Cli.assertError(Cli.run("score", "--model", copy, "--data", data), Main.EXIT_RUNTIME, "format_version 99");
        Cli.assertError(Cli.run("info", "--model", copy), Main.EXIT_RUNTIME, "format_version 99");
    }

    @Test
    void modelDirectoryThatIsNotOne() {
        Path data = Cli.write(tmp.resolve("narrow.csv"), NARROW);
        Cli.assertError(Cli.run("score", "--model", tmp.resolve("nothing-here"), "--data", data), Main.EXIT_RUNTIME, "nothing-here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3"})
    void nonPositiveLatent(String latent) {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.Result r = train("--data", f, "--latent", latent);
        assertTrue(r.code() == Main.EXIT_RUNTIME || r.code() == Main.EXIT_USAGE, r::toString);
        Cli.assertOneLine(r, "latent", latent);
    }

    @Test
    void zeroHiddenWidth() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.Result r = train("--data", f, "--hidden", "64,0");
        assertTrue(r.code() == Main.EXIT_RUNTIME || r.code() == Main.EXIT_USAGE, r::toString);
        Cli.assertOneLine(r, "hidden", "0");
    }

    @Test
    void existingOutIsLeftAloneWithoutOverwrite() throws IOException {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Path out = Files.createDirectory(tmp.resolve("taken"));
        Path keep = Cli.write(out.resolve("precious.txt"), "do not touch");
        Cli.Result r = Cli.run("train", "--data", f, "--epochs", 1, "--out", out);
        Cli.assertError(r, Main.EXIT_RUNTIME, "taken", "--overwrite");
        assertEquals(List.of("precious.txt"), Cli.list(out));
        assertEquals("do not touch", Files.readString(keep));
        assertEquals(List.of("ok.csv", "taken"), Cli.list(tmp), "no checkpoint or temporary directory was made");

        // with --overwrite it is replaced by the model
        Cli.ok("train", "--data", f, "--epochs", 1, "--out", out, "--overwrite");
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertFalse(Files.exists(keep));
    }

    @Test
    void resumeWithoutACheckpoint() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--resume"), Main.EXIT_RUNTIME, "no checkpoint", "out.ckpt");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--bogus-option"), Main.EXIT_USAGE, "--bogus-option");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.assertError(Cli.run("tran"), Main.EXIT_USAGE, "tran");
    }

    @Test
    void missingRequiredDataIsAUsageError() {
        Cli.assertError(train(), Main.EXIT_USAGE, "--data");
        Cli.assertError(Cli.run("score", "--model", model), Main.EXIT_USAGE, "--data");
    }

    @Test
    void badNumberIsAUsageError() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--epochs", "many"), Main.EXIT_USAGE, "--epochs", "many");
    }

    @Test
    void convOnATableSaysWhy() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--model", "conv"), Main.EXIT_RUNTIME, "conv", "image", "--model dense");
    }

    @Test
    void unknownFamily() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--model", "transformer"), Main.EXIT_RUNTIME, "transformer");
    }

    @Test
    void malformedNoise() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.assertError(train("--data", f, "--model", "denoising", "--noise", "masking"), Main.EXIT_RUNTIME, "--noise");
    }

    @Test
    void theLabelColumnMustExist() {
        Path f = Cli.write(tmp.resolve("ok.csv"), NARROW);
        Cli.Result r = train("--data", f, "--label", "target");
        assertEquals(Main.EXIT_RUNTIME, r.code(), r::toString);
        Cli.assertOneLine(r, "target");
    }

    @Test
    void failedScoreLeavesNoOutputFile() {
        Path wide = Cli.write(tmp.resolve("wide.csv"), "a,b,c,d,e,f,g\n1,2,3,4,5,6,7\n");
        Path out = tmp.resolve("scores.csv");
        Cli.assertError(Cli.run("score", "--model", model, "--data", wide, "--out", out), Main.EXIT_RUNTIME);
        assertEquals(List.of("wide.csv"), Cli.list(tmp));
    }

    private Path copyModel() throws IOException {
        Path copy = Files.createDirectory(tmp.resolve("copy"));
        for (String name : Cli.list(model)) {
            Files.copy(model.resolve(name), copy.resolve(name));
        }
        assertArrayEquals(Files.readAllBytes(model.resolve("config.json")), Files.readAllBytes(copy.resolve("config.json")));
        return copy;
    }
}

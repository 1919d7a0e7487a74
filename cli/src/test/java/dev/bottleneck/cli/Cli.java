package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.io.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs {@link Main#run} in-process with standard output and error captured; shared by the CLI tests. */
final class Cli {
    static final Path DATASETS = Path.of("..", "datasets").toAbsolutePath().normalize();
    static final Path WDBC = DATASETS.resolve("wdbc/wdbc.csv.gz");
    static final Path FASHION_TRAIN = DATASETS.resolve("fashion-mnist-2k/train-images-idx3-ubyte.gz");
    static final Path FASHION_TEST = DATASETS.resolve("fashion-mnist-2k/t10k-images-idx3-ubyte.gz");

    /** slf4j-simple lines ("[main] WARN ai.djl...") that the engine may print while it loads. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*");

    private Cli() {}

    record Result(int code, String out, String err) {
        /** Lines of standard error that are not engine log lines. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !LOG_LINE.matcher(l).matches()).collect(Collectors.toList());
        }

        List<String> outLines() {
            return out.lines().collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs the command line with System.out / System.err captured (one at a time: they are global). */
    static synchronized Result run(Object... args) {
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.run(a);
            o.flush();
            e.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        // keep the commands' own output visible in the surefire report
        oldErr.println("$ bottleneck " + String.join(" ", a) + "  -> exit " + code);
        if (code != 0) {
            oldErr.print(r.err);
        }
        return r;
    }

    /** Runs and asserts success, with the whole output in the failure message. */
    static Result ok(Object... args) {
        Result r = run(args);
        assertEquals(0, r.code, () -> "expected success:\n" + r);
        return r;
    }

    /**
     * Asserts the documented failure shape: the exit code, and exactly one line on standard error
     * (engine log lines aside) that starts with "bottleneck: " and contains every fragment
     * (case-insensitive). No stack trace, nothing on standard output.
     */
    static String assertError(Result r, int code, String... fragments) {
        assertEquals(code, r.code, () -> "exit code:\n" + r);
        return assertOneLine(r, fragments);
    }

    static String assertOneLine(Result r, String... fragments) {
        List<String> lines = r.errLines();
        if (r.code == Main.EXIT_USAGE && lines.size() == 2 && lines.get(1).startsWith("Try '")) {
            lines = lines.subList(0, 1); // picocli usage errors add a "Try '... --help'." hint
        }
        List<String> shown = lines;
        assertEquals(1, lines.size(), () -> "expected one line on stderr:\n" + r);
        String line = lines.get(0);
        assertTrue(line.startsWith("bottleneck: "), () -> "stderr line must start with 'bottleneck: ':\n" + r);
        assertFalse(line.contains("unexpected error"), () -> "an internal error leaked:\n" + r);
        assertFalse(r.err.contains("\tat "), () -> "stack trace on stderr:\n" + r);
        assertEquals("", r.out, () -> "nothing belongs on stdout after an error:\n" + r);
        for (String f : fragments) {
            assertTrue(line.toLowerCase().contains(f.toLowerCase()), () -> "message should mention \"" + f + "\": " + shown.get(0));
        }
        return line;
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names in a directory, sorted. */
    static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.data.IdxWriter;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvae train|complete|nll} end to end, and every way to get their input wrong. */
class CvaeCliTest {
    @TempDir static Path tmp;
    static Path cvae;
    static Path baseline;

    @BeforeAll
    static void trainOnce() {
        cvae = tmp.resolve("cvae");
        baseline = tmp.resolve("baseline");
        Cli.ok("cvae", "train", "--data", Cli.FASHION_TRAIN, "--rows", 300, "--hidden", 32, "--latent", 4,
                "--epochs", 1, "--seed", 2, "--out", cvae);
        Cli.ok("cvae", "train", "--data", Cli.FASHION_TRAIN, "--rows", 300, "--kind", "baseline", "--hidden", 32,
                "--epochs", 1, "--seed", 2, "--out", baseline);
    }

    @Test
    void trainWritesAModelWithProvenance() throws Exception {
        String config = Files.readString(cvae.resolve("config.json"));
        assertTrue(config.contains("\"family\" : \"cvae\""), config);
        assertTrue(config.contains("\"given\" : 1"), config);
        assertTrue(config.contains("\"alpha\" : 0.5"), config);
        assertTrue(config.contains("\"data_sha256\""), config);
        assertTrue(config.contains("\"weights_sha256\""), config);
        assertTrue(Files.readString(cvae.resolve("history.jsonl")).contains("\"gsnn\""));
        assertTrue(Files.readString(baseline.resolve("config.json")).contains("\"family\" : \"cvae-baseline\""));
    }

    @Test
    void nllAndCompletionsAreWritten() throws Exception {
        Cli.Result c = Cli.ok("cvae", "nll", "--model", cvae, "--data", Cli.FASHION_TEST, "--rows", 40, "--samples", 4, "--prior");
        double nll = value(c.out(), "nll");
        assertTrue(Double.isFinite(nll) && nll > 0, c.out());
        assertTrue(Double.isFinite(value(c.out(), "nll_prior_sampling")), c.out());
        assertEquals(40, (int) value(c.out(), "rows"));
        // same seed, same number
        assertEquals(c.out().lines().filter(l -> l.startsWith("nll ")).findFirst(),
                Cli.ok("cvae", "nll", "--model", cvae, "--data", Cli.FASHION_TEST, "--rows", 40, "--samples", 4)
                        .out().lines().filter(l -> l.startsWith("nll ")).findFirst());
        Cli.Result b = Cli.ok("cvae", "nll", "--model", baseline, "--data", Cli.FASHION_TEST, "--rows", 40);
        assertEquals(1, (int) value(b.out(), "samples"));
        Path png = tmp.resolve("completions.png");
        Cli.ok("cvae", "complete", "--model", cvae, "--baseline", baseline, "--data", Cli.FASHION_TEST, "--n", 3,
                "--samples", 4, "--out", png);
        var img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 2 * img.getHeight(), "7 columns × 3 rows: " + img);
    }

    @Test
    void badInputIsOneSentence() throws Exception {
        Path out = tmp.resolve("never");
        Cli.assertError(Cli.run("cvae", "train", "--data", Cli.WDBC, "--out", out), Main.EXIT_RUNTIME, "not images", "IDX");
        Cli.assertError(Cli.run("cvae", "train", "--data", Cli.FASHION_TRAIN, "--quadrants", 4, "--out", out),
                Main.EXIT_RUNTIME, "1, 2 or 3, got 4");
        Cli.assertError(Cli.run("cvae", "train", "--data", Cli.FASHION_TRAIN, "--kind", "gan", "--out", out),
                Main.EXIT_RUNTIME, "gan");
        Cli.assertError(Cli.run("cvae", "train", "--data", Cli.FASHION_TRAIN, "--alpha", 2, "--rows", 10, "--out", out),
                Main.EXIT_RUNTIME, "alpha must be in [0, 1]");
        Cli.assertError(Cli.run("cvae", "train", "--data", Cli.FASHION_TRAIN), Main.EXIT_USAGE, "--out");
        assertEquals(Main.EXIT_USAGE, Cli.run("cvae").code());
        assertFalse(Files.exists(out));
        // images of another size than the model's
        Path small = tmp.resolve("small-images-idx3-ubyte");
        IdxWriter.writeImages(small, new byte[3 * 8 * 8], 3, 8, 8);
        Cli.assertError(Cli.run("cvae", "nll", "--model", cvae, "--data", small), Main.EXIT_RUNTIME,
                "holds 1×8×8 images but the model completes 1×28×28");
        // a file named like IDX that is not
        Path fake = Cli.write(tmp.resolve("fake-images-idx3-ubyte"), "not idx at all\n");
        String line = Cli.assertError(Cli.run("cvae", "complete", "--model", cvae, "--data", fake, "--out", tmp.resolve("f.png")),
                Main.EXIT_RUNTIME, "fake-images-idx3-ubyte");
        assertFalse(Files.exists(tmp.resolve("f.png")), line);
        Cli.assertError(Cli.run("cvae", "nll", "--model", cvae, "--data", Cli.FASHION_TEST, "--samples", 0),
                Main.EXIT_RUNTIME, "samples must be ≥ 1, got 0");
    }

    @Test
    void theWrongKindOfModelIsOneSentence() {
        Path plain = tmp.resolve("plain");
        Cli.ok("train", "--data", Cli.WDBC, "--label", "label", "--model", "dense", "--epochs", 1, "--out", plain);
        Cli.assertError(Cli.run("cvae", "nll", "--model", plain, "--data", Cli.FASHION_TEST), Main.EXIT_RUNTIME,
                "holds a dense autoencoder, not a conditional VAE");
        // sampling, scoring or encoding with a conditional model: it is not an autoencoder
        Cli.assertError(Cli.run("generate", "sample", "--model", cvae, "--out", tmp.resolve("s.png")), Main.EXIT_RUNTIME,
                "holds a conditional VAE (cvae)", "bottleneck cvae");
        Cli.assertError(Cli.run("score", "--model", cvae, "--data", Cli.FASHION_TEST), Main.EXIT_RUNTIME,
                "holds a conditional VAE");
        assertFalse(Files.exists(tmp.resolve("s.png")));
    }

    private static double value(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + " ")).map(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(key + " missing in " + out));
    }
}

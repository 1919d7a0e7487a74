package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --model vae}, {@code generate …} and {@code elbo} end to end. */
class VaeCliTest {
    @TempDir static Path tmp;
    static Path vae;

    @BeforeAll
    static void trainOnce() {
        vae = tmp.resolve("vae");
        Cli.ok("train", "--data", Cli.FASHION_TEST, "--model", "vae", "--latent", 2, "--hidden", 64,
                "--epochs", 1, "--kl-warmup", 5, "--seed", 3, "--out", vae);
    }

    @Test
    void theModelIsAVaeWithABernoulliLikelihood() throws Exception {
        String config = Files.readString(vae.resolve("config.json"));
        assertTrue(config.contains("\"family\" : \"vae\""), config);
        assertTrue(config.contains("\"type\" : \"gaussian\""), config);
        assertTrue(config.contains("\"kl_warmup_steps\" : 5"), config);
        assertTrue(config.contains("\"objective\" : \"bernoulli\""), config);
        assertTrue(Files.readString(vae.resolve("history.jsonl")).contains("\"kl\""));
    }

    @Test
    void everyPictureIsWritten() throws Exception {
        Path s = tmp.resolve("samples.png");
        Path i = tmp.resolve("interp.png");
        Path t = tmp.resolve("traverse.png");
        Path m = tmp.resolve("map.png");
        Cli.ok("generate", "sample", "--model", vae, "--n", 16, "--out", s);
        Cli.ok("generate", "interpolate", "--model", vae, "--data", Cli.FASHION_TEST, "--from", 0, "--to", 5, "--steps", 6, "--out", i);
        Cli.ok("generate", "traverse", "--model", vae, "--data", Cli.FASHION_TEST, "--index", 2, "--out", t);
        Cli.ok("generate", "map", "--model", vae, "--data", Cli.FASHION_TEST, "--out", m);
        for (Path p : List.of(s, i, t, m)) {
            assertTrue(ImageIO.read(p.toFile()).getWidth() > 50, p.toString());
        }
    }

    @Test
    void elboPrintsNats() {
        Cli.Result r = Cli.ok("elbo", "--model", vae, "--data", Cli.FASHION_TEST, "--k", 10);
        double elbo = value(r.out(), "elbo");
        double logPx = value(r.out(), "log_px");
        assertTrue(elbo < 0 && logPx < 0 && value(r.out(), "kl") >= 0, r.out());
        assertTrue(logPx > elbo, r.out());
    }

    @Test
    void aTableVaeHasAGaussianLikelihoodInTheDataUnits() throws Exception {
        Path t = tmp.resolve("table-vae");
        Cli.ok("train", "--data", Cli.WDBC, "--label", "label", "--model", "vae", "--latent", 3, "--epochs", 2,
                "--beta", 0.5, "--out", t);
        String config = Files.readString(t.resolve("config.json"));
        assertTrue(config.contains("\"objective\" : \"gaussian\""), config);
        assertTrue(config.contains("\"beta\" : 0.5"), config);
        Cli.Result r = Cli.ok("elbo", "--model", t, "--data", Cli.WDBC, "--k", 5);
        assertTrue(Double.isFinite(value(r.out(), "elbo")), r.out());
        assertTrue(Double.isFinite(value(r.out(), "log_px")), r.out());
        // tables cannot be drawn, and say so in one sentence
        Cli.Result img = Cli.run("generate", "sample", "--model", t, "--out", tmp.resolve("t.png"));
        assertEquals(1, img.code(), img.toString());
        assertEquals(1, img.errLines().size(), img.toString());
        assertTrue(img.errLines().get(0).contains("not a square image"), img.toString());
    }

    @Test
    void samplingAPlainModelIsOneSentence() {
        Path plain = tmp.resolve("plain");
        Cli.ok("train", "--data", Cli.WDBC, "--label", "label", "--model", "dense", "--epochs", 1, "--out", plain);
        Cli.Result r = Cli.run("generate", "sample", "--model", plain, "--out", tmp.resolve("x.png"));
        assertEquals(1, r.code(), r.toString());
        assertEquals(List.of("bottleneck: cannot sample from a dense autoencoder: it has no prior over its codes,"
                + " only a variational autoencoder does (train one with --model vae, or GaussianSpec in Java)"), r.errLines());
        assertTrue(Files.notExists(tmp.resolve("x.png")));
        assertEquals(2, Cli.run("generate", "--model", vae).code());
        Cli.Result bad = Cli.run("generate", "interpolate", "--model", vae, "--data", Cli.FASHION_TEST, "--to", 5000, "--out", tmp.resolve("y.png"));
        assertEquals(1, bad.code(), bad.toString());
        assertEquals(1, bad.errLines().size(), bad.toString());
        assertTrue(bad.errLines().get(0).contains("--to 5000 is outside the rows"), bad.toString());
    }

    private static double value(String out, String key) {
        return out.lines().filter(l -> l.startsWith(key + " ")).map(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(key + " missing in " + out));
    }
}

package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck prototypes train|explain} on the shipped 2,000 Fashion-MNIST images (one short epoch). */
class PrototypesCliTest {
    @TempDir
    Path tmp;

    @Test
    void trainsThenExplainsRows() {
        Path model = tmp.resolve("proto");
        Cli.Result t = Cli.ok("prototypes", "train", "--data", Cli.FASHION_TRAIN, "--test", Cli.FASHION_TEST, "--out", model,
                "--epochs", 1, "--validation", 0, "--activation", "relu");
        assertTrue(t.out().startsWith("test accuracy "), t.toString());
        assertTrue(Cli.list(model).containsAll(List.of("config.json", "model.safetensors", "history.jsonl", "loss.png",
                "prototypes.png", "weights.png")), Cli.list(model).toString());
        assertEquals("prototype", Cli.json(model.resolve("config.json")).get("family").asText());
        assertEquals(250, Cli.json(model.resolve("config.json")).at("/training/optimizer/batch_size").asInt());
        assertTrue(!Files.exists(tmp.resolve("proto.ckpt")), "the checkpoint is removed after a finished run");

        Path out = tmp.resolve("explain");
        Cli.Result e = Cli.ok("prototypes", "explain", "--model", model, "--data", Cli.FASHION_TEST, "--rows", "0,3",
                "--out", out);
        assertEquals(List.of("explain-0.png", "explain-3.png", "prototypes.png", "weights.png"), Cli.list(out));
        assertEquals(2, e.outLines().size(), e.toString());
        assertTrue(e.outLines().get(0).matches("row 0: predicted \\d, true label \\d, nearest prototype P\\d+ -> .*explain-0.png"),
                e.toString());
    }

    @Test
    void explainOnAModelThatIsNotAPrototypeNetworkSaysSoInOneSentence() {
        Path ae = tmp.resolve("ae");
        Cli.ok("train", "--data", Cli.WDBC, "--label", "label", "--epochs", 1, "--out", ae);
        Cli.Result r = Cli.run("prototypes", "explain", "--model", ae, "--out", tmp.resolve("x"));
        Cli.assertError(r, Main.EXIT_USAGE, "not a prototype network", ae.toString());
        assertTrue(!Files.exists(tmp.resolve("x")));
    }

    @Test
    void badInputGetsOneSentence() {
        Cli.assertError(Cli.run("prototypes", "train", "--data", Cli.WDBC, "--out", tmp.resolve("m"), "--epochs", 1),
                Main.EXIT_RUNTIME, "has no labels", "--label");
        Cli.assertError(Cli.run("prototypes", "train", "--data", Cli.WDBC, "--label", "label", "--out", tmp.resolve("m"),
                "--lambda1", -1), Main.EXIT_RUNTIME, "R1 weight", "-1");
        Cli.assertError(Cli.run("prototypes", "explain", "--model", tmp.resolve("none"), "--out", tmp.resolve("x")),
                Main.EXIT_USAGE, "does not exist");
        Cli.assertError(Cli.run("prototypes"), Main.EXIT_USAGE, "subcommand");
    }
}

package dev.bottleneck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.io.Json;
import dev.bottleneck.train.CheckpointState;
import dev.bottleneck.train.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training process killed outright (SIGKILL) or stopped with Ctrl-C (SIGINT) leaves no
 * half-written model, only a checkpoint that {@code --resume} continues from.
 */
class KillResumeTest {
    static final int EPOCHS = 4;

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The training command of these tests: a small conv autoencoder on the shipped Fashion-MNIST subset. */
    private List<String> trainArgs(Path out, int epochs) {
        assertTrue(Files.isRegularFile(Cli.FASHION_TRAIN), "shipped data missing: " + Cli.FASHION_TRAIN);
        // narrow filters keep an epoch near a second on two cores; the code paths are those of the defaults
        return List.of("train", "--data", Cli.FASHION_TRAIN.toString(), "--model", "conv", "--filters", "4,8", "--latent", "8",
                "--epochs", String.valueOf(epochs), "--out", out.toString(), "--seed", "0");
    }

    private Process startChild(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "2");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** Polls until the first checkpoint is complete (LATEST names a finished generation). */
    private void awaitCheckpoint(Process p, Path ckpt, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!dev.bottleneck.train.Checkpoints.exists(ckpt)) {
            if (!p.isAlive()) {
                fail("training process ended (exit " + p.exitValue() + ") before writing a checkpoint:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("no checkpoint after 120 s:\n" + Files.readString(log));
            }
            Thread.sleep(25);
        }
    }

    @Test
    void killedRunLeavesOnlyACheckpointAndResumeFinishesIt() throws Exception {
        Path out = tmp.resolve("m");
        Path ckpt = tmp.resolve("m.ckpt");
        Path log = tmp.resolve("train.log");
        Process p = startChild(trainArgs(out, EPOCHS), log);
        awaitCheckpoint(p, ckpt, log);

        p.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "killed process did not end");
        String childLog = Files.readString(log);
        System.err.println("--- killed child's log\n" + childLog);
        assertFalse(Files.exists(out), "a killed run must not leave a (half-written) model:\n" + childLog);
        CheckpointState state = Checkpoints.readState(ckpt);
        assertTrue(state.epochsCompleted() >= 1 && state.epochsCompleted() < EPOCHS, "epochs in checkpoint: " + state.epochsCompleted());
        assertEquals(state.epochsCompleted(), state.history().size());
        assertTrue(Files.size(Checkpoints.generation(ckpt).resolve("weights.safetensors")) > 0);
        assertEquals(EPOCHS, state.training().epochs());

        List<String> resume = new ArrayList<>(trainArgs(out, EPOCHS));
        resume.add("--resume");
        Cli.Result r = Cli.ok(resume.toArray());
        assertTrue(r.err().contains("resuming from"), r.err());

        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        List<String> history = Cli.lines(out.resolve("history.jsonl"));
        assertEquals(EPOCHS, history.size(), "the whole run's history: " + history);
        for (int i = 0; i < EPOCHS; i++) {
            assertEquals(i + 1, Json.mapper().readTree(history.get(i)).path("epoch").asInt(), history.get(i));
        }
        JsonNode provenance = Cli.json(out.resolve("config.json")).path("provenance");
        assertTrue(provenance.path("resumed").asBoolean(false), "provenance should say resumed: " + provenance);
        assertEquals(EPOCHS, provenance.path("epochs").asInt(), provenance.toString());
        assertFalse(Files.exists(ckpt), "the checkpoint is removed once the model is written");
        assertTrue(Cli.ok("info", "--model", out).out().contains("(resumed)"));
    }

    @Test
    void ctrlCSavesACheckpointAndExits130() throws Exception {
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background?); children inherit that");
        Path out = tmp.resolve("m");
        Path ckpt = tmp.resolve("m.ckpt");
        Path log = tmp.resolve("train.log");
        Process p = startChild(trainArgs(out, 200), log); // far more epochs than it will get through
        awaitCheckpoint(p, ckpt, log);

        Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process did not stop after SIGINT:\n" + Files.readString(log));
        String childLog = Files.readString(log);
        System.err.println("--- interrupted child's log\n" + childLog);
        assertEquals(Main.EXIT_INTERRUPTED, p.exitValue(), childLog);
        assertTrue(childLog.contains("--resume"), "should say how to continue:\n" + childLog);
        long said = childLog.lines().filter(l -> l.startsWith("bottleneck: training stopped")).count();
        assertEquals(1, said, "the stop is reported once:\n" + childLog);
        assertTrue(childLog.contains(ckpt.toString()), "should say where the checkpoint is:\n" + childLog);
        assertFalse(Files.exists(out), "an interrupted run writes no model");
        CheckpointState state = Checkpoints.readState(ckpt);
        assertTrue(state.epochsCompleted() >= 1, "checkpoint after the first epoch at least");
        assertTrue(state.epochsCompleted() < 200);
    }

    @Test
    void aFailedTrainCommandExitsPromptly() throws Exception {
        // regression: the Ctrl-C hook was installed before the model was built, so a failure such as
        // --latent 0 left a hook that held the JVM's exit for two minutes
        Path csv = Cli.write(tmp.resolve("t.csv"), CliBadInputTest.NARROW);
        Path log = tmp.resolve("fail.log");
        Process p = startChild(List.of("train", "--data", csv.toString(), "--latent", "0", "--out", tmp.resolve("x").toString()), log);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process still running 60 s after failing:\n" + Files.readString(log));
        assertEquals(Main.EXIT_RUNTIME, p.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("bottleneck: latent"), Files.readString(log));
    }

    /** Whether this JVM inherited SIG_IGN for SIGINT (Linux /proc; false where unknown). */
    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (mask & (1L << (2 - 1))) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}

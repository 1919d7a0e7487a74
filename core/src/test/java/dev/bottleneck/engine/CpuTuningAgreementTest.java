package dev.bottleneck.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's CPU tuning (the MKL shim of tools/mklshim.c, preloaded on AMD CPUs) must not
 * change what is learned: the same seeded training run, in a JVM with the shim and in one without,
 * gives the same per-epoch losses up to float32 rounding.
 *
 * <p>Why not bitwise: with the shim MKL runs its AVX-512 SGEMM kernels instead of the AVX2 ones,
 * which block and order the sums differently, so each dot product rounds differently.
 *
 * <p>The tolerance, from the arithmetic: a float32 dot product of length K has relative error at
 * most about K·u, u = 2⁻²⁴ ≈ 6e-8; the longest reductions here are K = 256 (hidden width), so
 * gradients may differ by δ ≈ 1.5e-5 relative. Adam's step lr·m̂/(√v̂ + ε) is scale-free, so a
 * relative δ in the gradient moves each step by at most ~2δ·lr, and after S = 120 steps the two
 * runs' weights differ by at most ~2·S·δ·lr ≈ 4e-6 absolute, about 1e-4 of their typical size
 * (~0.06). The loss, a smooth function of the weights, moves by the same order, 1e-4 relative at
 * first order. We allow 1e-3: ten times that first-order bound for amplification through the
 * ReLUs, and still far below what a real fault would cause (one skipped or doubled Adam step at
 * lr 1e-3 changes the loss by percents early in training).
 */
class CpuTuningAgreementTest {
    static final double RELATIVE_TOLERANCE = 1e-3;

    @Test
    void tunedAndUntunedTrainingAgree(@TempDir Path tmp) throws Exception {
        Path source = Path.of("..", "tools", "mklshim.c").toAbsolutePath().normalize();
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains("AuthenticAMD"),
                "the MKL shim only matters on AMD CPUs (the launcher preloads it there only)");
        assumeTrue(onPath("cc"), "no C compiler (cc) to build the shim");
        Path shim = tmp.resolve("libmklshim.so");
        Process cc = new ProcessBuilder("cc", "-O2", "-shared", "-fPIC", "-o", shim.toString(), source.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(2, TimeUnit.MINUTES) && cc.exitValue() == 0, () -> "cc failed: " + ccOut);

        List<Double> tuned = train(shim);
        List<Double> untuned = train(null);
        assertEquals(TuningProbe.EPOCHS, tuned.size());
        assertEquals(untuned.size(), tuned.size());
        double worst = 0;
        for (int i = 0; i < tuned.size(); i++) {
            double rel = Math.abs(tuned.get(i) - untuned.get(i)) / Math.abs(untuned.get(i));
            worst = Math.max(worst, rel);
            int epoch = i + 1;
            assertTrue(rel <= RELATIVE_TOLERANCE, () -> "epoch " + epoch + ": tuned loss " + tuned.get(epoch - 1)
                    + " vs untuned " + untuned.get(epoch - 1) + " (relative difference " + rel + ")");
        }
        System.err.println("tuned vs untuned: largest relative loss difference " + worst);
    }

    /** Trains in a fresh JVM, with the shim preloaded when given; returns the per-epoch losses. */
    private static List<Double> train(Path shim) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                TuningProbe.class.getName());
        // LD_PRELOAD must be in place before the JVM (and so libtorch's MKL) starts: hence a fork
        pb.environment().remove("LD_PRELOAD");
        if (shim != null) {
            pb.environment().put("LD_PRELOAD", shim.toString());
        }
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the training JVM did not finish");
        assertEquals(0, p.exitValue(), () -> "the training JVM failed:\n" + out);
        assertTrue(out.contains("shim " + (shim != null)), () -> "shim " + (shim != null ? "not loaded" : "loaded unasked") + ":\n" + out);
        List<Double> losses = new ArrayList<>();
        out.lines().filter(l -> l.startsWith("loss ")).forEach(l -> losses.add(Double.parseDouble(l.substring(5))));
        return losses;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}

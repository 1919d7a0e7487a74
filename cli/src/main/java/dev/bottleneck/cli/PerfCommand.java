package dev.bottleneck.cli;

import dev.bottleneck.cli.bench.Measurement;
import dev.bottleneck.cli.bench.PeakMemory;
import dev.bottleneck.cli.bench.PerfReport;
import dev.bottleneck.cli.bench.PerfWorkloads;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * Bottleneck's side of bench/perf.sh: runs workloads and prints one JSON line per measurement
 * (warm-up excluded, one value per repetition), or, with --report, renders the table of a finished
 * run. Run each workload in its own process when its peak RSS matters (the script does).
 */
@Command(name = "perf", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Performance workloads beside PyTorch (run through bench/perf.sh).")
final class PerfCommand implements Runnable {
    @Option(names = "--workload", split = ",", paramLabel = "NAME",
            description = "dense, conv, sae, score, sgemm (default all, in one process).")
    List<String> workloads;

    @Option(names = "--quick", description = "Tiny sizes and one repetition (a smoke test: seconds).")
    boolean quick;

    @Option(names = "--reps", defaultValue = "5", paramLabel = "N", description = "Timed repetitions after warm-up (default 5; 1 with --quick).")
    int reps;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch intra-op threads for the training and scoring workloads (default: the engine's, i.e. OMP_NUM_THREADS).")
    int threads;

    @Option(names = "--fashion-dir", paramLabel = "DIR", description = "Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist; "
            + "datasets/fashion-mnist-2k when missing).")
    Path fashionDir = DemoCommand.FASHION;

    @Option(names = "--datasets", paramLabel = "DIR", description = "The repository's datasets/ folder (default $BOTTLENECK_HOME/datasets or ./datasets).")
    Path datasets;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N")
    long seed;

    @Option(names = "--report", paramLabel = "JSONL", description = "Print the table of a finished run's JSON lines instead of running.")
    Path report;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (report != null) {
            System.out.print(PerfReport.render(report));
            return;
        }
        if (reps < 1) {
            throw usage("--reps must be at least 1 (got " + reps + ")");
        }
        if (threads < 0) {
            throw usage("--threads must be 0 (the engine's default) or more (got " + threads + ")");
        }
        List<String> names = workloads == null || workloads.isEmpty() ? PerfWorkloads.NAMES : workloads;
        for (String name : names) {
            if (!PerfWorkloads.NAMES.contains(name)) {
                throw usage("--workload \"" + name + "\" is not known (expected one of " + String.join(", ", PerfWorkloads.NAMES) + ")");
            }
        }
        Path home = datasets != null ? datasets
                : System.getenv("BOTTLENECK_HOME") != null ? Path.of(System.getenv("BOTTLENECK_HOME"), "datasets") : Path.of("datasets");
        dev.bottleneck.engine.Engines.engine(); // load libtorch before changing its thread count
        if (threads > 0) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        int used = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        PerfWorkloads w = new PerfWorkloads(new PerfWorkloads.Sizes(quick, quick ? 1 : reps), fashionDir, home, seed);
        for (String name : names) {
            System.err.println("bench perf: " + name + " (" + used + " thread" + (used == 1 ? "" : "s") + ")");
            for (Measurement m : w.run(name, used)) {
                // peak RSS so far: a per-workload number only when the process ran that one workload
                System.out.println(json(m));
                System.out.flush();
            }
        }
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static String json(Measurement m) {
        try {
            return Json.compact().writeValueAsString(m.toJson(PeakMemory.kib()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.bottleneck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks kept with the code that they measure (hidden: for developers, run through bench/*.sh). */
@Command(name = "bench", hidden = true, mixinStandardHelpOptions = true,
        description = "Benchmarks (see bench/).", subcommands = {AdbenchCommand.class, OneClassCommand.class, PerfCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (adbench, one-class, perf)");
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.io.AtomicFiles;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a training command writes its model directory, and whether it may replace one. */
final class OutputDirOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    /** Refuses an existing --out without --overwrite, before any work is done. */
    void refuseExisting() {
        AtomicFiles.refuseExisting(out, overwrite);
    }
}

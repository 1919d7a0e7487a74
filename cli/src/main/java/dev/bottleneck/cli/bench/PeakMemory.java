package dev.bottleneck.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size, from Linux's /proc/self/status (VmHWM), in KiB; -1 elsewhere. */
public final class PeakMemory {
    private PeakMemory() {}

    public static long kib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no number rather than a wrong one
        }
        return -1;
    }
}

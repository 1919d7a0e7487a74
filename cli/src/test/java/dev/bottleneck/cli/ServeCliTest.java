package dev.bottleneck.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@code bottleneck serve} refuses unsafe or impossible settings at start with one sentence and exit code 2. */
class ServeCliTest {
    @TempDir Path models;

    @Test
    void refusesANonLoopbackBindWithoutAToken() {
        Cli.assertError(Cli.run("serve", "--models", models, "--host", "0.0.0.0", "--port", "0"), Main.EXIT_USAGE,
                "refusing to bind 0.0.0.0 without a token", "BOTTLENECK_TOKEN");
    }

    @Test
    void refusesAMissingModelsDirectoryAndAShortToken() {
        Cli.assertError(Cli.run("serve", "--models", models.resolve("absent")), Main.EXIT_USAGE, "does not exist");
        Cli.assertError(Cli.run("serve", "--models", models, "--token", "abc"), Main.EXIT_USAGE, "at least 16");
    }
}

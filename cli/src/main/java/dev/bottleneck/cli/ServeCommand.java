package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.server.BottleneckServer;
import dev.bottleneck.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the models of a directory (one model or detector directory each) over a JSON API under /api,"
                + " with a dashboard at /.",
                "Binds 127.0.0.1 by default; any other address needs a token (--token or BOTTLENECK_TOKEN), which every"
                        + " API call must then send as 'Authorization: Bearer <token>'."})
final class ServeCommand implements Runnable {
    static final String TOKEN_ENV = "BOTTLENECK_TOKEN";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--models", required = true, paramLabel = "DIR", description = "Directory with one subdirectory per model.")
    Path models;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port (default 8080; 0 picks a free one).")
    int port;

    @Option(names = "--token", paramLabel = "T",
            description = "Token every API call must carry (at least 16 characters); prefer the environment variable " + TOKEN_ENV
                    + ", which other users cannot see in the process list.")
    String token;

    @Option(names = "--max-body", defaultValue = "10485760", paramLabel = "BYTES", description = "Largest request body (default 10 MiB).")
    long maxBody;

    @Option(names = "--max-rows", defaultValue = "10000", paramLabel = "N", description = "Largest batch per request (default 10000).")
    int maxRows;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS", description = "Longest computation per request (default 30 s).")
    int timeoutSeconds;

    @Override
    public void run() {
        String t = token != null ? token : System.getenv(TOKEN_ENV);
        ServerConfig config;
        try {
            config = ServerConfig.builder()
                    .setModelsDir(models)
                    .optHost(host)
                    .optPort(port)
                    .optToken(t)
                    .optMaxBodyBytes(maxBody)
                    .optMaxRows(maxRows)
                    .optRequestTimeout(Duration.ofSeconds(Math.max(1, timeoutSeconds)))
                    .build();
        } catch (BottleneckException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // the web server's start-up chatter at INFO hides the one line that matters (the address)
        for (String quiet : new String[] {"org.eclipse.jetty", "io.javalin"}) {
            if (System.getProperty("org.slf4j.simpleLogger.log." + quiet) == null) {
                System.setProperty("org.slf4j.simpleLogger.log." + quiet, "warn");
            }
        }
        BottleneckServer server = BottleneckServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bottleneck-serve-stop"));
        System.err.println("serving the models in " + config.modelsDir() + " at " + server.url()
                + (config.token() != null ? " (token required)" : "") + "; Ctrl-C stops");
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

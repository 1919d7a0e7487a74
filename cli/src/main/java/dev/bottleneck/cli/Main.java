package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.Version;
import dev.bottleneck.train.TrainingInterruptedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code bottleneck} command. Exit codes: 0 success, 1 runtime error (bad data, corrupt
 * model — one sentence on standard error), 2 usage error, 130 stopped by Ctrl-C with a checkpoint.
 */
@Command(
        name = "bottleneck",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Autoencoders on a real tensor engine: train, encode, reconstruct, score.",
        subcommands = {
            TrainCommand.class,
            EncodeCommand.class,
            ReconstructCommand.class,
            ScoreCommand.class,
            InfoCommand.class,
            DemoCommand.class,
            GenerateCommand.class,
            ElboCommand.class,
            DetectCommand.class,
            ClusterCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            CvaeCommand.class,
            SaeCommand.class,
            PrototypesCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    public static final int EXIT_RUNTIME = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERRUPTED = 130;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, encode, reconstruct, score, info, demo)");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(
                (ex, a) -> {
                    PrintWriter err = ex.getCommandLine().getErr();
                    err.println("bottleneck: " + ex.getMessage());
                    err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                    return EXIT_USAGE;
                });
        return cl;
    }

    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parse) {
        PrintWriter err = cl.getErr();
        if (ex instanceof TrainingInterruptedException) {
            // already said by the train command, which must print it before it lets a Ctrl-C'd JVM
            // exit; printing it again here raced with that exit and often showed the line twice
            return EXIT_INTERRUPTED;
        }
        if (ex instanceof BottleneckException) {
            err.println("bottleneck: " + ex.getMessage());
            return EXIT_RUNTIME;
        }
        if (ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException) {
            err.println("bottleneck: " + ex.getMessage());
            return EXIT_RUNTIME;
        }
        err.println("bottleneck: unexpected error: " + ex);
        ex.printStackTrace(err);
        return EXIT_RUNTIME;
    }

    /** Prints the library and engine versions. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bottleneck " + Version.get()};
        }
    }
}

package dev.bottleneck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bottleneck prototypes train|explain}: the prototype network of Li et al. (2018). */
@Command(name = "prototypes", mixinStandardHelpOptions = true,
        description = {"A classifier that explains each prediction with learned prototypes the autoencoder can draw",
                "(Li, Liu, Chen & Rudin 2018)."},
        subcommands = {PrototypesTrainCommand.class, PrototypesExplainCommand.class})
final class PrototypesCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train or explain)");
    }
}

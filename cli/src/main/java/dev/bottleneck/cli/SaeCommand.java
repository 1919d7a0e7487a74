package dev.bottleneck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bottleneck sae collect|train|eval|export|import|darkmatter|browse}: sparse autoencoders on MiniLM's activations. */
@Command(name = "sae", mixinStandardHelpOptions = true,
        description = "Sparse autoencoders on MiniLM-L6 activations: collect, train, eval, export, import, darkmatter, browse.",
        subcommands = {SaeCollectCommand.class, SaeTrainCommand.class, SaeEvalCommand.class, SaeExportCommand.class, SaeImportCommand.class,
                SaeDarkMatterCommand.class, SaeBrowseCommand.class})
final class SaeCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required (collect, train, eval, export, import, darkmatter, browse)");
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.vae.VaeGeneration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** {@code bottleneck generate sample|interpolate|traverse|map}: pictures of what a (variational) autoencoder learned. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Draw what a model learned as PNG: samples from a VAE's prior, interpolations between two inputs,",
                "traversals of each latent dimension, or a 2-D map of codes coloured by class."},
        subcommands = {
            GenerateCommand.Sample.class,
            GenerateCommand.Interpolate.class,
            GenerateCommand.Traverse.class,
            GenerateCommand.CodeMapCommand.class
        })
final class GenerateCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a picture is required (sample, interpolate, traverse or map)");
    }

    /** Options shared by every picture. */
    abstract static class Picture implements Runnable {
        @Mixin ModelOptions modelOptions;

        @Option(names = "--out", required = true, paramLabel = "PNG", description = "Picture to write.")
        Path out;

        @Override
        public final void run() {
            try (Autoencoder m = modelOptions.load()) {
                draw(m);
                System.err.println("wrote " + out.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + out + ": " + e.getMessage(), e);
            }
        }

        abstract void draw(Autoencoder model) throws IOException;

        /** Loads data for the model, checking its width with the model's own message. */
        static Table load(Autoencoder model, Path data, String label) {
            Table t = DataSources.load(data, label, ImputePolicy.REJECT);
            if (t.cols() != model.inputWidth()) {
                model.prepare(t); // throws the model's one-sentence width message
            }
            return t;
        }

        static float[] row(Table t, int index, String option) {
            if (index < 0 || index >= t.rows()) {
                throw new BottleneckException(option + " " + index + " is outside the rows of " + t.source()
                        + " (expected 0 to " + (t.rows() - 1) + ")");
            }
            return t.row(index);
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Decode N draws from a VAE's prior N(0, I) into a grid of images.")
    static final class Sample extends Picture {
        @Option(names = "--n", defaultValue = "64", description = "Number of samples (default 64).")
        int n;

        @Option(names = "--columns", defaultValue = "8", description = "Images per row (default 8).")
        int columns;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the draws (default 0).")
        long seed;

        @Override
        void draw(Autoencoder model) throws IOException {
            if (columns < 1) {
                throw new BottleneckException("--columns must be ≥ 1, got " + columns);
            }
            VaeGeneration.writeSamples(out, model, n, columns, seed);
        }
    }

    @Command(name = "interpolate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Decode the straight line between the codes of two rows into a strip of images.")
    static final class Interpolate extends Picture {
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data holding the two rows (IDX images or CSV).")
        Path data;

        @Option(names = "--label", paramLabel = "COLUMN", description = "Label column of a CSV, kept out of the features.")
        String label;

        @Option(names = "--from", defaultValue = "0", paramLabel = "ROW", description = "First row, 0-based (default 0).")
        int from;

        @Option(names = "--to", defaultValue = "1", paramLabel = "ROW", description = "Second row, 0-based (default 1).")
        int to;

        @Option(names = "--steps", defaultValue = "10", description = "Images in the strip, ends included (default 10).")
        int steps;

        @Override
        void draw(Autoencoder model) throws IOException {
            Table t = load(model, data, label);
            VaeGeneration.writeInterpolation(out, model, row(t, from, "--from"), row(t, to, "--to"), steps);
        }
    }

    @Command(name = "traverse", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Sweep each latent dimension of a VAE over [-range, range] with the others fixed:",
                    "one row of images per dimension, around the prior mean or the code of --data's row --index."})
    static final class Traverse extends Picture {
        @Option(names = "--steps", defaultValue = "9", description = "Images per dimension (default 9).")
        int steps;

        @Option(names = "--range", defaultValue = "3", description = "Sweep from -range to range prior standard deviations (default 3).")
        double range;

        @Option(names = "--data", paramLabel = "FILE", description = "Data holding the row to start from (default: the prior mean).")
        Path data;

        @Option(names = "--label", paramLabel = "COLUMN", description = "Label column of a CSV, kept out of the features.")
        String label;

        @Option(names = "--index", defaultValue = "0", paramLabel = "ROW", description = "Row of --data to start from, 0-based (default 0).")
        int index;

        @Override
        void draw(Autoencoder model) throws IOException {
            float[] base = data == null ? null : row(load(model, data, label), index, "--index");
            VaeGeneration.writeTraversal(out, model, base, steps, range);
        }
    }

    @Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Scatter the codes of a data set coloured by class: the two dimensions of a 2-D code,",
                    "otherwise the first two principal components of the codes."})
    static final class CodeMapCommand extends Picture {
        @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data to map (IDX images with their labels file, or CSV).")
        Path data;

        @Option(names = "--label", paramLabel = "COLUMN", description = "Label column of a CSV: colours the points.")
        String label;

        @Override
        void draw(Autoencoder model) throws IOException {
            VaeGeneration.writeMap(out, model, load(model, data, label));
        }
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options of commands that use a trained model. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory written by 'bottleneck train'.")
    Path model;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "cpu, gpu, gpu:N or auto (default).")
    String device;

    Autoencoder load() {
        return Autoencoder.load(model, Engines.device(device));
    }
}

package dev.bottleneck.cli;

import ai.djl.Device;
import dev.bottleneck.engine.Engines;
import picocli.CommandLine.Option;

/** The {@code --device} option of commands that build or load a model themselves. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default).")
    String device;

    /** The device named (a bad name is one clear sentence from {@link Engines#device}). */
    Device get() {
        return Engines.device(device);
    }
}

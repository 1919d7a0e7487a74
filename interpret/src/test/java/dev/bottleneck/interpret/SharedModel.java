package dev.bottleneck.interpret;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;

/**
 * One MiniLM and tokenizer for all tests in the JVM: reading the 90 MB ONNX file takes seconds,
 * and the weights are never changed by a test. Released when the JVM exits.
 */
public final class SharedModel {
    private static NDManager manager;
    private static MiniLm model;
    private static MiniLmTokenizer tokenizer;

    private SharedModel() {}

    public static synchronized MiniLm model() {
        if (model == null) {
            manager = Engines.newManager(Device.cpu());
            model = MiniLm.load(manager);
        }
        return model;
    }

    public static synchronized MiniLmTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = MiniLmTokenizer.load();
        }
        return tokenizer;
    }
}

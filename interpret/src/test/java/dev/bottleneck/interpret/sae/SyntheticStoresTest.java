package dev.bottleneck.interpret.sae;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.interpret.store.ActivationStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The synthetic stores SAE tests share, made afresh for each test class: {@code store}, d 32 with
 * 96 features and 3 active per row (8,000 training and 2,000 held-out rows), and {@code paired},
 * the same sizes as a transcoder's MLP input → output (see {@link Synthetic}).
 */
abstract class SyntheticStoresTest {
    @TempDir static Path dir;
    static ActivationStore store;
    static ActivationStore paired;
    static NDManager manager;

    @BeforeAll
    static void stores() {
        store = Synthetic.store(dir.resolve("store"), 32, 96, 3, 8000, 2000, 11);
        paired = Synthetic.pairedStore(dir.resolve("paired"), 32, 96, 3, 8000, 2000, 12);
        manager = Engines.newManager(Device.cpu());
    }

    @AfterAll
    static void closeManager() {
        manager.close();
    }
}

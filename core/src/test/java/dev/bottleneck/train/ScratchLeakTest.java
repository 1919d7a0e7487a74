package dev.bottleneck.train;

import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.Fixtures;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchLeakTest {
    @Test
    void probe() throws Exception {
        Table data = Fixtures.wdbc();
        try (Autoencoder m = Autoencoder.builder().setArchitecture(Fixtures.dense(30, List.of(16), 4)).build()) {
            Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(1).build()).build().fit(m, data);
            String mode = System.getProperty("probe", "score");
            for (int round = 0; round < 6; round++) {
                long r = MemoryTest.rssAfterGc();
                Runtime rt = Runtime.getRuntime();
                System.out.println("XXX round " + round + " rss=" + (r >> 20) + "MB heapCommitted=" + (rt.totalMemory() >> 20) + " used=" + ((rt.totalMemory() - rt.freeMemory()) >> 20));
                for (int i = 0; i < 2000; i++) {
                    if (mode.equals("score")) m.score(data);
                    else if (mode.equals("raw")) {
                        try (NDManager sub = m.manager().newSubManager()) {
                            NDArray x = sub.create(new float[367 * 30], new Shape(367, 30));
                            m.forward(x, false).perRow().toFloatArray();
                        }
                    } else if (mode.equals("create")) {
                        try (NDManager sub = m.manager().newSubManager()) {
                            NDArray x = sub.create(new float[367 * 30], new Shape(367, 30));
                            x.add(1f).toFloatArray();
                        }
                    } else if (mode.equals("java")) {
                        m.prepare(data);
                    }
                }
            }
        }
    }
}

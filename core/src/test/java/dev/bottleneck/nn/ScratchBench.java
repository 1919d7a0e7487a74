package dev.bottleneck.nn;

import ai.djl.ndarray.*;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.bottleneck.engine.Engines;
import org.junit.jupiter.api.Test;

class ScratchBench {
    interface F { NDArray f(NDArray x, NDArray w); }
    double time(NDManager root, Shape xs, Shape ws, F f) {
        NDArray w = root.randomNormal(ws); w.setRequiresGradient(true);
        long t0 = 0;
        for (int i = 0; i < 110; i++) {
            if (i == 60) t0 = System.nanoTime();
            try (NDManager m = root.newSubManager()) {
                NDArray x = m.randomNormal(xs); x.setRequiresGradient(true);
                try (GradientCollector gc = Engines.engine().newGradientCollector()) {
                    gc.backward(f.f(x, w).sum());
                }
                x.getGradient().sum().getFloat();
            }
        }
        return (System.nanoTime() - t0) / 50e6;
    }
    @Test
    void t() {
        try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
            System.out.println("BENCH convT 64->32 7->14 ms " + time(m, new Shape(128, 64, 7, 7), new Shape(64, 32, 3, 3), (x, w) -> ConvTranspose2d.forward(x, w, null, 2, 1, 1, 1)));
            System.out.println("BENCH convT 32->1 14->28 ms " + time(m, new Shape(128, 32, 14, 14), new Shape(32, 1, 3, 3), (x, w) -> ConvTranspose2d.forward(x, w, null, 2, 1, 1, 1)));
            System.out.println("BENCH gemmconv 32->64 14->7 ms " + time(m, new Shape(128, 32, 14, 14), new Shape(64, 32, 3, 3), (x, w) -> SafeConv.conv2d(x, w, 2, 1, 1)));
            System.out.println("BENCH conv 1->32 28->14 ms " + time(m, new Shape(128, 1, 28, 28), new Shape(32, 1, 3, 3), (x, w) -> Conv2d.conv2d(x, w, null, new Shape(2, 2), new Shape(1, 1)).singletonOrThrow()));
            System.out.println("BENCH conv 32->64 14->7 ms " + time(m, new Shape(128, 32, 14, 14), new Shape(64, 32, 3, 3), (x, w) -> Conv2d.conv2d(x, w, null, new Shape(2, 2), new Shape(1, 1)).singletonOrThrow()));
            System.out.println("BENCH phaseconv-native 32->16 ms " + time(m, new Shape(128, 32, 14, 14), new Shape(16, 32, 2, 2), (x, w) -> Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow()));
            System.out.println("BENCH phaseconv-native 64->128 ms " + time(m, new Shape(128, 64, 7, 7), new Shape(128, 64, 2, 2), (x, w) -> Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow()));
        }
    }
}

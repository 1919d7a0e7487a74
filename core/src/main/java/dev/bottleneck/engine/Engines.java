package dev.bottleneck.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;

import java.util.Locale;

/**
 * The few places where Bottleneck talks to the tensor engine directly: which engine, which
 * device, seeding. Device choice is always a setting ({@code cpu}, {@code gpu}, {@code gpu:1}),
 * never hard-coded.
 */
public final class Engines {
    /** The engine every Bottleneck model runs on. */
    public static final String ENGINE = "PyTorch";

    private Engines() {}

    public static Engine engine() {
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException e) {
            throw new BottleneckException(
                    "could not start the " + ENGINE + " engine: " + e.getMessage(), e);
        }
    }

    /** e.g. {@code PyTorch 2.7.1} — recorded in provenance. */
    public static String describe() {
        Engine e = engine();
        return e.getEngineName() + " " + e.getVersion();
    }

    /**
     * Parses a device setting: {@code cpu}, {@code gpu} (= gpu:0), {@code gpu:N}, or {@code auto}
     * (the first GPU when there is one, else the CPU).
     */
    public static Device device(String spec) {
        String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
        Engine engine = engine();
        Device d;
        if (s.equals("auto")) {
            return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        } else if (s.equals("cpu")) {
            return Device.cpu();
        } else if (s.equals("gpu") || s.equals("cuda")) {
            d = Device.gpu();
        } else if (s.matches("(gpu|cuda):\\d+")) {
            d = Device.gpu(Integer.parseInt(s.substring(s.indexOf(':') + 1)));
        } else {
            throw new BottleneckException(
                    "device \"" + spec + "\" is not understood (expected cpu, gpu, gpu:N or auto)");
        }
        if (d.getDeviceId() >= engine.getGpuCount()) {
            throw new BottleneckException(
                    "device \"" + spec + "\" is not available: the engine sees "
                            + engine.getGpuCount()
                            + " GPU(s) (use --device cpu)");
        }
        return d;
    }

    /** A root manager for one model on one device. */
    public static NDManager newManager(Device device) {
        return engine().newBaseManager(device);
    }

    /**
     * Seeds the engine's generator, which draws initial weights, dropout masks and input noise.
     * Seeds are folded to an int because that is what the engine takes.
     */
    public static void seed(long seed) {
        engine().setRandomSeed((int) (seed ^ (seed >>> 32)) & 0x7fffffff);
    }

    /**
     * Turns off autograd recording on the calling thread. PyTorch's grad mode is per thread and
     * on by default, so a scoring thread (a server worker, say) would otherwise build a graph for
     * every request and hold its memory until the arrays are closed.
     */
    public static void inferenceMode() {
        if (ENGINE.equals(engine().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }

    /**
     * Clears a parameter's accumulated gradient. PyTorch adds each backward pass into {@code
     * .grad}; the engine's fused Adam kernel (DJL 0.36) no longer clears it, so the optimizer does.
     */
    public static void zeroGradient(NDArray parameter) {
        ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) parameter);
    }
}

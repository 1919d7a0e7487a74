package dev.bottleneck.model;

import ai.djl.nn.Parameter;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.IdxReader;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.nn.Activation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared test data and small models for the model, train and io tests.
 */
public final class Fixtures {
    private static Table wdbc;
    private static Table fashion;

    private Fixtures() {}

    /** The repository's {@code datasets/} folder. */
    public static Path datasets() {
        return dev.bottleneck.data.TestData.datasets();
    }

    public static Path wdbcPath() {
        return datasets().resolve("wdbc/wdbc.csv.gz");
    }

    /** WDBC: 367 rows × 30 features, labels kept aside; its source is the file, so it has a SHA-256. */
    public static synchronized Table wdbc() {
        if (wdbc == null) {
            wdbc = DataSources.load(wdbcPath(), "label", ImputePolicy.REJECT);
        }
        return wdbc;
    }

    /** The first {@code n} Fashion-MNIST training images (1×28×28, pixels in [0, 1]). */
    public static synchronized Table fashion(int n) {
        if (fashion == null) {
            Path dir = datasets().resolve("fashion-mnist-2k");
            fashion = IdxReader.readImages(
                    dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), 0);
        }
        return firstRows(fashion, n);
    }

    public static Table firstRows(Table t, int n) {
        int[] idx = new int[Math.min(n, t.rows())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return t.select(idx);
    }

    /** A small dense architecture for WDBC-width data. */
    public static DenseSpec dense(int width, List<Integer> hidden, int latent) {
        return new DenseSpec(width, hidden, latent, Activation.RELU, false, 0.0, Activation.NONE);
    }

    /** A small convolutional architecture for 28×28 grey images. */
    public static ConvSpec conv(int latent) {
        return new ConvSpec(1, 28, 28, List.of(4, 8), 3, 2, latent, Activation.RELU, false, Activation.SIGMOID);
    }

    /** Every tensor of a model, copied out as floats, by name. */
    public static Map<String, float[]> weights(Autoencoder model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            out.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** Whether two weight maps have the same names and bitwise-identical values. */
    public static boolean sameBits(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            if (x.length != y.length) {
                return false;
            }
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    return false;
                }
            }
        }
        return true;
    }
}

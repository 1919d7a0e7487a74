package dev.bottleneck.anomaly;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImputePolicy;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.engine.Engines;
import dev.bottleneck.model.Autoencoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Gaussian blur, and the autoencoder detectors' blurred reconstruction error on images. */
class ImageSmoothingTest {
    @Test
    void blurSpreadsAnImpulseIntoTheSeparableGaussianAndKeepsItsMass() {
        int[] shape = {1, 9, 9};
        float[] img = new float[81];
        img[4 * 9 + 4] = 1;
        float[] g = GaussianSmoothing.kernel(1.0);
        assertEquals(7, g.length);
        float[] out;
        try (NDManager m = Engines.newManager(Device.cpu())) {
            out = GaussianSmoothing.blur(m, img, shape, 1.0);
            assertArrayEquals(img, GaussianSmoothing.blur(m, img, shape, 0));
        }
        double sum = 0;
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 9; x++) {
                sum += out[y * 9 + x];
                int dy = Math.abs(y - 4);
                int dx = Math.abs(x - 4);
                float want = dy <= 3 && dx <= 3 ? g[3 + dy] * g[3 + dx] : 0;
                assertEquals(want, out[y * 9 + x], 1e-6, "pixel " + y + "," + x);
            }
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(out[4 * 9 + 3], out[3 * 9 + 4], 1e-7);
    }

    @Test
    void anImageAutoencoderScoresTheBlurredErrorAndWithoutSmoothingThePlainOne() {
        Table all = DataSources.load(TestData.dataset("fashion-mnist-2k/train-images-idx3-ubyte.gz"), null, ImputePolicy.REJECT);
        Table train = all.select(java.util.stream.IntStream.range(0, 300).toArray());
        Table test = all.select(java.util.stream.IntStream.range(300, 340).toArray());
        int[] shape = {1, 28, 28};
        for (double sigma : new double[] {0, 1.5}) {
            try (Detector d = Detectors.autoencoder().optEpochs(1).optSmoothing(sigma).optSeed(2).create()) {
                d.fit(train);
                Autoencoder m = ((AutoencoderDetector) d).model().orElseThrow();
                double[] got = d.score(test);
                if (sigma == 0) {
                    assertArrayEquals(m.score(test), got);
                    continue;
                }
                float[][] rec = m.reconstruct(test);
                float[] diff = new float[test.rows() * 784];
                for (int i = 0; i < test.rows(); i++) {
                    float[] x = test.row(i);
                    for (int j = 0; j < 784; j++) {
                        diff[i * 784 + j] = x[j] - rec[i][j];
                    }
                }
                float[] blurred;
                try (NDManager nd = Engines.newManager(Device.cpu())) {
                    blurred = GaussianSmoothing.blur(nd, diff, shape, sigma);
                }
                for (int i = 0; i < test.rows(); i++) {
                    double s = 0;
                    for (int j = 0; j < 784; j++) {
                        s += blurred[i * 784 + j] * (double) blurred[i * 784 + j];
                    }
                    assertEquals(s / 784, got[i], 1e-4 * got[i], "row " + i);
                }
            }
        }
    }
}

package dev.bottleneck.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TestData;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.DenseSpec;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampling, interpolation, traversal and the code map, on a VAE trained for one epoch. */
class VaeGenerationTest {
    static Table images;
    static Autoencoder vae;

    @BeforeAll
    static void setUp() {
        Path dir = TestData.dataset("fashion-mnist-2k");
        images = dev.bottleneck.data.IdxReader.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"),
                dir.resolve("t10k-labels-idx1-ubyte.gz"), 300);
        vae = VaeTest.fashionVae(2);
        Trainer.builder().setConfig(TrainingConfig.builder().optEpochs(1).optBatchSize(64).optSeed(2).build())
                .build().fit(vae, images);
    }

    @AfterAll
    static void close() {
        vae.close();
    }

    @Test
    void samplesArePixelImagesAndSeeded() {
        float[][] s = VaeGeneration.sample(vae, 6, 42);
        assertEquals(6, s.length);
        assertEquals(784, s[0].length);
        for (float[] row : s) {
            for (float v : row) {
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
            }
        }
        assertArrayEquals(s[5], VaeGeneration.sample(vae, 6, 42)[5]);
        assertArrayEquals(new int[] {1, 28, 28}, Vae.imageShape(vae));
    }

    @Test
    void interpolationEndsAtTheReconstructions() {
        float[][] strip = VaeGeneration.interpolate(vae, images.row(0), images.row(1), 7);
        assertEquals(7, strip.length);
        Table two = dev.bottleneck.model.Fixtures.firstRows(images, 2);
        float[][] rec = vae.reconstruct(two);
        assertArrayEquals(rec[0], strip[0], 1e-5f);
        assertArrayEquals(rec[1], strip[6], 1e-5f);
    }

    @Test
    void traversalSweepsEachDimension() {
        float[][] t = VaeGeneration.traverse(vae, null, 5, 3.0);
        assertEquals(8 * 5, t.length);
        assertThrows(BottleneckException.class, () -> VaeGeneration.traverse(vae, null, 1, 3.0));
    }

    @Test
    void mapProjectsWideCodesOnPrincipalComponents() {
        VaeGeneration.CodeMap m = VaeGeneration.map(vae, images);
        assertEquals(images.rows(), m.x().length);
        assertEquals(images.rows(), m.groups().length);
        assertTrue(m.xTitle().startsWith("PC 1"), m.xTitle());
        // principal components: uncorrelated, the first with at least the variance of the second
        double vx = variance(m.x());
        double vy = variance(m.y());
        assertTrue(vx >= vy * 0.999, vx + " < " + vy);
        assertEquals(0, covariance(m.x(), m.y()) / Math.sqrt(vx * vy), 1e-2);
    }

    @Test
    void picturesAreWritten(@TempDir Path tmp) throws Exception {
        VaeGeneration.writeSamples(tmp.resolve("s.png"), vae, 16, 8, 1);
        VaeGeneration.writeInterpolation(tmp.resolve("i.png"), vae, images.row(0), images.row(1), 8);
        VaeGeneration.writeTraversal(tmp.resolve("t.png"), vae, images.row(0), 7, 2.5);
        VaeGeneration.writeMap(tmp.resolve("m.png"), vae, images);
        for (String f : List.of("s.png", "i.png", "t.png", "m.png")) {
            assertTrue(ImageIO.read(tmp.resolve(f).toFile()).getWidth() > 50, f);
        }
        assertTrue(Files.size(tmp.resolve("m.png")) > 1000);
    }

    @Test
    void samplingAPlainAutoencoderIsOneClearSentence() {
        Table wdbc = dev.bottleneck.data.DataSources.load(TestData.dataset("wdbc/wdbc.csv.gz"), "label", null);
        try (Autoencoder plain = Autoencoder.builder()
                .setArchitecture(new DenseSpec(30, List.of(16), 4, null, false, 0, null)).build()) {
            plain.setScaler(dev.bottleneck.data.Scaler.fit(dev.bottleneck.data.ScalerKind.STANDARD, wdbc), wdbc);
            BottleneckException e = assertThrows(BottleneckException.class, () -> VaeGeneration.sample(plain, 4, 0));
            assertEquals("cannot sample from a dense autoencoder: it has no prior over its codes, only a variational"
                    + " autoencoder does (train one with --model vae, or GaussianSpec in Java)", e.getMessage());
            assertThrows(BottleneckException.class, () -> VaeGeneration.traverse(plain, null, 5, 3));
            assertThrows(BottleneckException.class, () -> VaeEvaluation.elbo(plain, wdbc, 1, 0));
            // interpolation and the map need only codes: any autoencoder has them
            assertEquals(3, VaeGeneration.interpolate(plain, wdbc.row(0), wdbc.row(1), 3).length);
            BottleneckException img = assertThrows(BottleneckException.class, () -> Vae.imageShape(plain));
            assertTrue(img.getMessage().contains("not a square image"), img.getMessage());
        }
    }

    private static double variance(double[] a) {
        return covariance(a, a);
    }

    private static double covariance(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElseThrow();
        double mb = java.util.Arrays.stream(b).average().orElseThrow();
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - ma) * (b[i] - mb);
        }
        return s / (a.length - 1);
    }
}

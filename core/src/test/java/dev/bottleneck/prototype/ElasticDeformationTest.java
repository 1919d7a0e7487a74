package dev.bottleneck.prototype;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

class ElasticDeformationTest {
    private static float[] image() {
        float[] img = new float[2 * 28 * 28];
        for (int y = 8; y < 20; y++) {
            for (int x = 10; x < 18; x++) {
                img[y * 28 + x] = 1f; // first image: a bar
                img[784 + y * 28 + x] = 0.5f; // second image: a dimmer bar
            }
        }
        return img;
    }

    @Test
    void kernelIsNormalisedAndTruncatedAtFourSigma() {
        double[] k = ElasticDeformation.PAPER.kernel();
        assertEquals(33, k.length);
        assertEquals(1.0, Arrays.stream(k).sum(), 1e-12);
        assertEquals(k[0], k[32], 0);
    }

    @Test
    void zeroAlphaLeavesImagesUnchanged() {
        float[] img = image();
        float[] copy = img.clone();
        new ElasticDeformation(4, 0).apply(img, 2, 1, 28, 28, new Random(1));
        assertArrayEquals(copy, img, 1e-6f);
    }

    @Test
    void sameSeedSameDeformationAndOtherSeedAnother() {
        float[] a = image();
        float[] b = image();
        float[] c = image();
        ElasticDeformation.PAPER.apply(a, 2, 1, 28, 28, new Random(7));
        ElasticDeformation.PAPER.apply(b, 2, 1, 28, 28, new Random(7));
        ElasticDeformation.PAPER.apply(c, 2, 1, 28, 28, new Random(8));
        assertArrayEquals(a, b, 0f);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, image()));
        for (float v : a) {
            // bilinear interpolation of values in [0, 1] stays in [0, 1]
            assertFalse(v < -1e-6f || v > 1 + 1e-6f, "value " + v);
        }
    }

    @Test
    void wholePixelShiftMovesTheImage() {
        // a constant displacement of exactly one pixel to the right samples x + 1
        float[] src = new float[9];
        for (int i = 0; i < 9; i++) {
            src[i] = i;
        }
        double[] dx = new double[9];
        Arrays.fill(dx, 1.0);
        float[] out = new float[9];
        ElasticDeformation.resample(src, 3, 3, dx, new double[9], out, 0);
        assertArrayEquals(new float[] {1, 2, 0, 4, 5, 0, 7, 8, 0}, out, 1e-6f);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        BottleneckException e = assertThrows(BottleneckException.class, () -> new ElasticDeformation(0, 20).validate());
        assertEquals("elastic deformation σ must be a finite number > 0 (pixels), got 0.0", e.getMessage());
    }
}

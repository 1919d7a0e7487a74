package dev.bottleneck.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TIFF reader on the Playa scene, against numpy's band means. */
class TiffReaderTest {
    static final Path IMAGE = TestData.dataset("remote-sensing/Playa_Image.tif");
    static final Path TRUTH = TestData.dataset("remote-sensing/Playa_Training.tif");

    @TempDir
    Path tmp;

    @Test
    void theLabelRasterHasSixHundredLabelledPixels() {
        TiffImage truth = TiffReader.read(TRUTH);
        assertEquals(436, truth.width());
        assertEquals(433, truth.height());
        assertEquals(1, truth.bands());
        assertEquals(600, java.util.Arrays.stream(truth.samples()).filter(v -> v != 0).count());
        assertEquals(1, java.util.Arrays.stream(truth.samples()).max().getAsInt());
    }

    @Test
    void theSevenPlanarBandsHaveTheMeansNumpyFinds() {
        TiffImage img = TiffReader.read(IMAGE);
        assertEquals(436, img.width());
        assertEquals(433, img.height());
        assertEquals(7, img.bands());
        // per-band means from numpy over the raw 16-bit strips (see datasets/remote-sensing/README.md)
        double[] numpy = {1269.4684301968346, 1372.4518719410132, 1663.129775197576, 2251.1328686145307,
            3498.310252770303, 3094.664300697078, 2372.9839396571815};
        for (int b = 0; b < 7; b++) {
            double sum = 0;
            for (int i = 0; i < img.pixels(); i++) {
                sum += img.samples()[i * 7 + b];
            }
            assertEquals(numpy[b], sum / img.pixels(), 1e-9, "band " + (b + 1));
        }
    }

    @Test
    void neighbourhoodRowsHoldTheirCentrePixelAndRepeatTheBorder() {
        TiffImage img = TiffReader.read(IMAGE);
        Table t = PixelTable.of(img, 3, TiffReader.read(TRUTH));
        assertEquals(img.pixels(), t.rows());
        assertEquals(63, t.cols());
        int x = 100;
        int y = 200;
        float[] row = t.row(y * img.width() + x);
        for (int b = 0; b < 7; b++) {
            assertEquals(img.sample(x, y, b), row[4 * 7 + b]); // the centre of the 3 × 3 window
            assertEquals(img.sample(x - 1, y - 1, b), row[b]);
        }
        float[] corner = t.row(0);
        assertEquals(img.sample(0, 0, 0), corner[0]); // above-left of (0, 0) repeats (0, 0)
        assertEquals(600, t.labels().stream().filter(l -> !l.equals("0")).count());
    }

    @Test
    void notATiffIsOneSentence() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.tif"), "hello, world");
        BottleneckException e = assertThrows(BottleneckException.class, () -> TiffReader.read(bad));
        assertTrue(e.getMessage().endsWith("is not a readable TIFF image (no image reader recognises it)"), e.getMessage());
    }
}

package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    static final int WHITE = 0xFFFFFF;
    static final int BLACK = 0x000000;
    static final int BG = ImageGrid.BACKGROUND.getRGB() & 0xFFFFFF;

    @TempDir Path dir;

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void whiteTileAtKnownPositionAndGapElsewhere() {
        int h = 3, w = 4, scale = 2, g = ImageGrid.GAP;
        float[][] images = {filled(12, 0f), filled(12, 0f), filled(12, 0f), filled(12, 1f)};
        BufferedImage img = ImageGrid.render(images, 1, h, w, 3, scale);
        // 3 columns, 2 rows
        assertEquals(g + 3 * (w * scale + g), img.getWidth());
        assertEquals(g + 2 * (h * scale + g), img.getHeight());
        int tx = g, ty = g + h * scale + g; // image 3 = row 1, column 0
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                assertEquals(WHITE, rgb(img, tx + x, ty + y));
                assertEquals(BLACK, rgb(img, tx + x, g + y)); // image 0 above it
            }
        }
        assertEquals(BG, rgb(img, 0, 0));
        assertEquals(BG, rgb(img, tx - 1, ty));                 // left border
        assertEquals(BG, rgb(img, tx, ty - 1));                 // gap above
        assertEquals(BG, rgb(img, tx + w * scale, ty));         // gap right
        assertEquals(BG, rgb(img, tx + w * scale + g, ty));     // unused tile (1,1)
        assertEquals(BG, rgb(img, img.getWidth() - 1, img.getHeight() - 1));
    }

    @Test
    void rgbIsPlanarChw() {
        float[] red = new float[3 * 2 * 2];
        Arrays.fill(red, 0, 4, 1f); // R plane only
        float[] blue = new float[12];
        Arrays.fill(blue, 8, 12, 1f);
        BufferedImage img = ImageGrid.render(new float[][] {red, blue}, 3, 2, 2, 2, 1);
        assertEquals(0xFF0000, rgb(img, ImageGrid.GAP, ImageGrid.GAP));
        assertEquals(0x0000FF, rgb(img, 2 * ImageGrid.GAP + 2, ImageGrid.GAP));
    }

    @Test
    void valuesAreClampedAndNanIsBlack() {
        float[] px = {Float.NaN, -3f, 7f, 0.5f};
        BufferedImage img = ImageGrid.render(new float[][] {px}, 1, 1, 4, 1, 1);
        int y = ImageGrid.GAP;
        assertEquals(BLACK, rgb(img, ImageGrid.GAP, y));
        assertEquals(BLACK, rgb(img, ImageGrid.GAP + 1, y));
        assertEquals(WHITE, rgb(img, ImageGrid.GAP + 2, y));
        assertEquals(0x808080, rgb(img, ImageGrid.GAP + 3, y));
    }

    @Test
    void columnsLargerThanCountShrinkToCount() {
        BufferedImage img = ImageGrid.render(new float[][] {filled(4, 1f)}, 1, 2, 2, 10, 1);
        assertEquals(2 * ImageGrid.GAP + 2, img.getWidth());
    }

    @Test
    void reconstructionOfBlackImageAppearsDirectlyBelowOriginal() {
        int h = 5, w = 5, scale = 3, g = ImageGrid.GAP;
        float[][] originals = {filled(25, 1f), filled(25, 1f)};
        float[][] recon = {filled(25, 0f), filled(25, 1f)};
        BufferedImage img = ImageGrid.renderReconstructions(originals, recon, 1, h, w, 8, scale);
        int tileW = w * scale, tileH = h * scale;
        // tiles are right-aligned after the label margin; find the first tile column from the right
        int x1 = img.getWidth() - g - tileW;        // second image's column
        int x0 = x1 - g - tileW;                    // first image's column
        int top = g, bottom = g + tileH + g;
        assertEquals(g + 2 * tileH + g + g, img.getHeight());
        for (int dy = 0; dy < tileH; dy++) {
            for (int dx = 0; dx < tileW; dx++) {
                assertEquals(WHITE, rgb(img, x0 + dx, top + dy));
                assertEquals(BLACK, rgb(img, x0 + dx, bottom + dy));
                assertEquals(WHITE, rgb(img, x1 + dx, bottom + dy));
            }
        }
        assertEquals(BG, rgb(img, x0, bottom - 1)); // gap between the rows
        // the label margin contains some label-coloured (non-background) pixels
        boolean text = false;
        for (int y = 0; y < img.getHeight() && !text; y++) {
            for (int x = 0; x < x0 - g && !text; x++) {
                text = rgb(img, x, y) != BG;
            }
        }
        assertTrue(text, "labels drawn in the left margin");
    }

    @Test
    void reconstructionRowPairsWrap() {
        float[][] o = new float[5][];
        float[][] r = new float[5][];
        for (int i = 0; i < 5; i++) {
            o[i] = filled(4, 1f);
            r[i] = filled(4, 0f);
        }
        BufferedImage one = ImageGrid.renderReconstructions(o, r, 1, 2, 2, 5, 1);
        BufferedImage two = ImageGrid.renderReconstructions(o, r, 1, 2, 2, 3, 1);
        assertTrue(two.getHeight() > 2 * one.getHeight() - 2 * ImageGrid.GAP);
        assertTrue(two.getWidth() < one.getWidth());
    }

    @Test
    void writeAndWriteReconstructionsProducePngs() throws IOException {
        float[][] imgs = {filled(3 * 8 * 8, 0.3f), filled(3 * 8 * 8, Float.NaN)};
        Path a = dir.resolve("a/grid.png");
        ImageGrid.write(a, imgs, 3, 8, 8, 4);
        BufferedImage grid = PlotTestSupport.readBack(a);
        assertEquals(ImageGrid.GAP + 2 * (8 * ImageGrid.autoScale(8, 8) + ImageGrid.GAP), grid.getWidth());
        Path b = dir.resolve("b/recon.png");
        ImageGrid.writeReconstructions(b, imgs, imgs, 3, 8, 8);
        PlotTestSupport.readBack(b);
    }

    @Test
    void emptyOrMalformedInputIsRejectedClearly() {
        Path out = dir.resolve("x.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.write(out, new float[0][], 1, 2, 2, 4));
        assertTrue(e.getMessage().contains("no images"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.render(null, 1, 2, 2, 4, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.render(new float[][] {new float[3]}, 1, 2, 2, 4, 1));
        assertTrue(e.getMessage().contains("images[0] has 3 values"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.render(new float[][] {new float[4]}, 2, 2, 2, 4, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.render(new float[][] {new float[4]}, 1, 2, 2, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.render(new float[][] {new float[4]}, 1, 2, 2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.writeReconstructions(out,
                new float[0][], new float[0][], 1, 2, 2));
        e = assertThrows(IllegalArgumentException.class, () -> ImageGrid.writeReconstructions(out,
                new float[][] {new float[4]}, new float[][] {new float[4], new float[4]}, 1, 2, 2));
        assertTrue(e.getMessage().contains("1 originals but 2 reconstructions"), e.getMessage());
        assertEquals(0, dir.toFile().list().length, "nothing written on bad input");
    }
}

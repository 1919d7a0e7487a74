package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Reads a written PNG back and checks that nothing else was left in its directory. */
final class PlotTestSupport {
    private PlotTestSupport() {}

    static BufferedImage readBack(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "not a readable PNG: " + png);
        assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
        assertEquals(List.of(png.getFileName().toString()), PngFilesTest.names(png.getParent()));
        return img;
    }
}

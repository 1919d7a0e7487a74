package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a multi-band TIFF raster (a multispectral scene, or a label raster) with Java's own TIFF
 * plugin ({@code javax.imageio}, in the JDK since Java 9), which handles planar and chunky
 * layouts, 8- and 16-bit samples and the usual compressions. Only the first image of the file is
 * read; samples are returned as integers, pixel-interleaved.
 */
public final class TiffReader {
    private TiffReader() {}

    /** Whether the file name says TIFF ({@code .tif}, {@code .tiff}). */
    public static boolean isTiff(Path path) {
        Path f = path.getFileName();
        String n = f == null ? "" : f.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff");
    }

    public static TiffImage read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new BottleneckException(path + " does not exist or is not a file (expected a TIFF image)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BottleneckException(path + " is not a readable TIFF image (no image reader recognises it)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                Raster raster = reader.read(0).getRaster();
                int w = raster.getWidth();
                int h = raster.getHeight();
                int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
                return new TiffImage(w, h, raster.getNumBands(), samples, path.toString());
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BottleneckException b) {
                throw b;
            }
            throw new BottleneckException(path + " could not be read as a TIFF image (" + e.getMessage() + ")", e);
        }
    }
}

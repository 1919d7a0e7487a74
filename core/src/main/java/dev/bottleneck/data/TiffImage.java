package dev.bottleneck.data;

/**
 * A multi-band raster read from a TIFF file, samples pixel-interleaved in memory.
 *
 * @param width pixels per row
 * @param height rows
 * @param bands samples per pixel
 * @param samples value of band b at (x, y) is {@code samples[(y * width + x) * bands + b]}
 * @param source the file it came from
 */
public record TiffImage(int width, int height, int bands, int[] samples, String source) {
    public int sample(int x, int y, int band) {
        return samples[(y * width + x) * bands + band];
    }

    public int pixels() {
        return width * height;
    }
}

package dev.bottleneck.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Tiles small images (inputs, reconstructions, samples) into one picture.
 *
 * <p>Looking at a grid of reconstructions next to their originals tells you more about an
 * autoencoder than any loss number, so this is drawn with plain {@link BufferedImage} pixels:
 * nearest-neighbour upscaling keeps tiny images (8×8, 28×28) crisp instead of blurred.
 *
 * <p>Pixel arrays are row-major; colour images are planar CHW (all red, then all green, then all
 * blue), as they come out of the model. Values are nominally in [0, 1] and clamped; NaN is drawn
 * as black, so a diverged model shows up as black tiles rather than an exception.
 */
public final class ImageGrid {

    static {
        PngFiles.ensureHeadless();
    }

    /** Gap between tiles, and border around the grid, in pixels. */
    public static final int GAP = 2;

    /**
     * Colour of gaps and background: a slate blue that is neither black nor white, so tile edges
     * stay visible for both dark (MNIST) and light images.
     */
    public static final Color BACKGROUND = new Color(96, 110, 130);

    /** Label text colour on the {@link #BACKGROUND}. */
    private static final Color LABEL = new Color(245, 245, 245);

    /** Extra space between one original/reconstruction row pair and the next. */
    private static final int PAIR_GAP = 4 * GAP;

    /** Upper bound on pixels per picture, so a wrong argument fails fast instead of exhausting memory. */
    private static final long MAX_PIXELS = 1L << 27;

    private static final int DEFAULT_RECONSTRUCTION_COLUMNS = 8;

    private ImageGrid() {}

    /**
     * Tiles {@code images} row by row into a grid with {@code columns} columns ({@code columns} is
     * reduced to the number of images if larger), separated by a {@value #GAP}-px gap. Each source
     * pixel becomes a {@code scale}×{@code scale} block.
     *
     * @param images    one array of {@code channels*height*width} values per image
     * @param channels  1 (grey) or 3 (RGB, planar CHW)
     * @throws IllegalArgumentException if there are no images, an image has the wrong length, or a
     *                                  size argument is out of range
     */
    public static BufferedImage render(float[][] images, int channels, int height, int width,
                                       int columns, int scale) {
        checkImages("images", images, channels, height, width);
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        checkScale(scale);
        int cols = Math.min(columns, images.length);
        int rows = (images.length + cols - 1) / cols;
        int tileW = width * scale;
        int tileH = height * scale;
        BufferedImage img = canvas(GAP + (long) cols * (tileW + GAP), GAP + (long) rows * (tileH + GAP));
        for (int i = 0; i < images.length; i++) {
            int x = GAP + (i % cols) * (tileW + GAP);
            int y = GAP + (i / cols) * (tileH + GAP);
            drawTile(img, images[i], channels, height, width, scale, x, y);
        }
        return img;
    }

    /**
     * Writes a grid of {@code images} to {@code out}, upscaled so that small images are still
     * easy to see.
     *
     * @throws IllegalArgumentException as for {@link #render}
     */
    public static void write(Path out, float[][] images, int c, int h, int w, int columns)
            throws IOException {
        checkImages("images", images, c, h, w);
        PngFiles.writeAtomically(render(images, c, h, w, columns, autoScale(h, w)), out);
    }

    /**
     * Writes originals with each reconstruction directly below its original, eight per row pair,
     * labelled "original" / "reconstruction" in the left margin.
     *
     * @throws IllegalArgumentException if either array is empty, they differ in length, or an
     *                                  image has the wrong length
     */
    public static void writeReconstructions(Path out, float[][] originals, float[][] reconstructions,
                                            int channels, int height, int width) throws IOException {
        writeReconstructions(out, originals, reconstructions, channels, height, width,
                DEFAULT_RECONSTRUCTION_COLUMNS);
    }

    /** As {@link #writeReconstructions(Path, float[][], float[][], int, int, int)} with a chosen column count. */
    public static void writeReconstructions(Path out, float[][] originals, float[][] reconstructions,
                                            int channels, int height, int width, int columns)
            throws IOException {
        PngFiles.writeAtomically(renderReconstructions(originals, reconstructions, channels, height,
                width, columns, autoScale(height, width)), out);
    }

    /**
     * Draws the picture that {@link #writeReconstructions} saves. Row pairs (originals above,
     * reconstructions below) are separated by a wider gap so it is clear which rows belong together.
     */
    public static BufferedImage renderReconstructions(float[][] originals, float[][] reconstructions,
                                                      int channels, int height, int width,
                                                      int columns, int scale) {
        checkImages("originals", originals, channels, height, width);
        checkImages("reconstructions", reconstructions, channels, height, width);
        if (originals.length != reconstructions.length) {
            throw new IllegalArgumentException("got " + originals.length + " originals but "
                    + reconstructions.length + " reconstructions; they must pair up one to one");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        checkScale(scale);
        int n = originals.length;
        int cols = Math.min(columns, n);
        int pairs = (n + cols - 1) / cols;
        int tileW = width * scale;
        int tileH = height * scale;
        int pairH = 2 * tileH + GAP;

        Font font = labelFont(tileH);
        int margin = labelMarginWidth(font);
        long w = margin + GAP + (long) cols * (tileW + GAP);
        long h = GAP + (long) pairs * pairH + (long) (pairs - 1) * PAIR_GAP + GAP;
        BufferedImage img = canvas(w, h);

        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            g.setColor(LABEL);
            FontMetrics fm = g.getFontMetrics();
            for (int p = 0; p < pairs; p++) {
                int top = GAP + p * (pairH + PAIR_GAP);
                int bottom = top + tileH + GAP;
                drawLabel(g, fm, "original", margin, top, tileH);
                drawLabel(g, fm, "reconstruction", margin, bottom, tileH);
                for (int k = 0; k < cols && p * cols + k < n; k++) {
                    int i = p * cols + k;
                    int x = margin + GAP + k * (tileW + GAP);
                    drawTile(img, originals[i], channels, height, width, scale, x, top);
                    drawTile(img, reconstructions[i], channels, height, width, scale, x, bottom);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Upscale factor that makes the longer side about 64 px: big enough to see, small on disk. */
    static int autoScale(int height, int width) {
        int side = Math.max(1, Math.max(height, width));
        return Math.max(1, Math.min(8, (int) Math.ceil(64.0 / side)));
    }

    /** Label font: small, but shrinks further for very short tiles so labels don't overlap. */
    private static Font labelFont(int tileH) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(12, tileH - 2)));
    }

    private static int labelMarginWidth(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font).stringWidth("reconstruction") + 3 * GAP + 4;
        } finally {
            g.dispose();
        }
    }

    /** Right-aligned against the tiles, vertically centred on the row. */
    private static void drawLabel(Graphics2D g, FontMetrics fm, String text, int margin, int rowTop,
                                  int rowH) {
        int x = margin - GAP - fm.stringWidth(text);
        int y = rowTop + (rowH - fm.getHeight()) / 2 + fm.getAscent();
        g.drawString(text, x, y);
    }

    private static BufferedImage canvas(long w, long h) {
        if (w * h > MAX_PIXELS || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("grid would be " + w + "x" + h
                    + " pixels, too large; use fewer images or a smaller scale");
        }
        BufferedImage img = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, (int) w, (int) h);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void drawTile(BufferedImage img, float[] px, int channels, int height, int width,
                                 int scale, int x0, int y0) {
        int plane = height * width;
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                int red = toByte(px[i]);
                int green = channels == 3 ? toByte(px[plane + i]) : red;
                int blue = channels == 3 ? toByte(px[2 * plane + i]) : red;
                int rgb = (red << 16) | (green << 8) | blue;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
                    }
                }
            }
        }
    }

    /** [0,1] to 0..255; out-of-range values are clamped and NaN becomes 0 (black). */
    static int toByte(float v) {
        if (!(v > 0f)) { // also catches NaN
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return Math.round(v * 255f);
    }

    private static void checkScale(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        }
    }

    private static void checkImages(String what, float[][] images, int channels, int height,
                                    int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (images == null || images.length == 0) {
            throw new IllegalArgumentException("no " + what + " to draw; need at least one image");
        }
        long expected = (long) channels * height * width;
        for (int i = 0; i < images.length; i++) {
            if (images[i] == null || images[i].length != expected) {
                throw new IllegalArgumentException(what + "[" + i + "] has "
                        + (images[i] == null ? "no data" : images[i].length + " values")
                        + " but " + channels + "x" + height + "x" + width + " = " + expected
                        + " were expected");
            }
        }
    }
}

package dev.bottleneck.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Paints a raster of class or cluster ids as a map: one pixel per cell in the colours {@link
 * Scatter2D} uses for groups (so a map and a scatter plot of the same clusters agree), id 0 in
 * white where it means "unlabelled". Two maps of the same grid can be drawn side by side with
 * titles, e.g. found clusters beside the ground truth.
 */
public final class LabelMap {
    static {
        PngFiles.ensureHeadless();
    }

    private static final int TITLE_HEIGHT = 24;
    private static final int GAP = 12;

    private LabelMap() {}

    /**
     * One panel.
     *
     * @param title shown above the map
     * @param ids one id per pixel, row-major, ids ≥ 0
     * @param zeroIsBlank whether id 0 means "no label" (painted white)
     */
    public record Panel(String title, int[] ids, boolean zeroIsBlank) {}

    /** Writes the panels side by side at {@code scale} screen pixels per cell. */
    public static void write(Path out, int width, int height, int scale, Panel... panels) throws IOException {
        if (panels.length == 0) {
            throw new IllegalArgumentException("no maps to draw");
        }
        for (Panel p : panels) {
            if (p.ids().length != width * height) {
                throw new IllegalArgumentException("a " + width + " × " + height + " map needs " + width * height
                        + " ids, got " + p.ids().length);
            }
        }
        int pw = width * scale;
        int ph = height * scale;
        BufferedImage img = new BufferedImage(panels.length * pw + (panels.length - 1) * GAP, ph + TITLE_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            for (int p = 0; p < panels.length; p++) {
                Panel panel = panels[p];
                int left = p * (pw + GAP);
                int groups = 0;
                for (int id : panel.ids()) {
                    groups = Math.max(groups, id + 1);
                }
                Color[] colours = new Color[groups];
                for (int id = 0; id < groups; id++) {
                    int index = panel.zeroIsBlank() ? id - 1 : id;
                    int count = panel.zeroIsBlank() ? groups - 1 : groups;
                    colours[id] = index < 0 ? Color.WHITE : Scatter2D.colour(index, Math.max(1, count));
                }
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int rgb = colours[panel.ids()[y * width + x]].getRGB();
                        for (int sy = 0; sy < scale; sy++) {
                            for (int sx = 0; sx < scale; sx++) {
                                img.setRGB(left + x * scale + sx, TITLE_HEIGHT + y * scale + sy, rgb);
                            }
                        }
                    }
                }
                g.setColor(Color.DARK_GRAY);
                g.drawString(panel.title() == null ? "" : panel.title(), left + 2, TITLE_HEIGHT - 7);
                g.drawRect(left, TITLE_HEIGHT, pw - 1, ph - 1);
            }
        } finally {
            g.dispose();
        }
        PngFiles.writeAtomically(img, out);
    }
}

package dev.bottleneck.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A labelled matrix drawn as coloured cells with their values: blue for negative, white for 0,
 * red for positive, on a scale symmetric about 0 (the largest magnitude is full colour), so signs
 * read at a glance. Made for weight matrices of a few dozen rows and columns.
 */
public final class HeatMap {
    static {
        PngFiles.ensureHeadless();
    }

    private static final int CELL_W = 56;
    private static final int CELL_H = 26;

    private HeatMap() {}

    public static void write(Path out, String title, float[][] values, List<String> rowLabels, List<String> colLabels)
            throws IOException {
        PngFiles.writeAtomically(render(title, values, rowLabels, colLabels), out);
    }

    public static BufferedImage render(String title, float[][] values, List<String> rowLabels, List<String> colLabels) {
        int rows = values.length;
        int cols = rows == 0 ? 0 : values[0].length;
        if (rows == 0 || cols == 0 || rowLabels.size() != rows || colLabels.size() != cols) {
            throw new IllegalArgumentException("a heat map needs a non-empty matrix with one label per row and column, got "
                    + rows + "×" + cols + " with " + rowLabels.size() + " row and " + colLabels.size() + " column labels");
        }
        double max = 0;
        for (float[] r : values) {
            for (float v : r) {
                if (Float.isFinite(v)) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font bold = font.deriveFont(Font.BOLD, 14f);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(font);
        int left = 12 + rowLabels.stream().mapToInt(fm::stringWidth).max().orElse(0);
        int top = 56;
        int width = Math.max(left + cols * CELL_W + 12, probe.createGraphics().getFontMetrics(bold).stringWidth(title) + 24);
        int height = top + rows * CELL_H + 12;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(bold);
        g.drawString(title, 12, 20);
        g.setFont(font);
        for (int c = 0; c < cols; c++) {
            String s = clip(colLabels.get(c), fm, CELL_W - 4);
            g.drawString(s, left + c * CELL_W + (CELL_W - fm.stringWidth(s)) / 2, top - 8);
        }
        for (int r = 0; r < rows; r++) {
            int y = top + r * CELL_H;
            g.setColor(Color.BLACK);
            g.drawString(rowLabels.get(r), left - 6 - fm.stringWidth(rowLabels.get(r)), y + CELL_H / 2 + fm.getAscent() / 2 - 2);
            for (int c = 0; c < cols; c++) {
                float v = values[r][c];
                g.setColor(colour(v, max));
                g.fillRect(left + c * CELL_W, y, CELL_W, CELL_H);
                g.setColor(Float.isFinite(v) && max > 0 && Math.abs(v) / max > 0.6 ? Color.WHITE : Color.BLACK);
                String s = Float.isFinite(v) ? String.format("%.2f", v) : "NaN";
                g.drawString(s, left + c * CELL_W + (CELL_W - fm.stringWidth(s)) / 2, y + CELL_H / 2 + fm.getAscent() / 2 - 2);
            }
        }
        g.setColor(new Color(200, 200, 200));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, cols * CELL_W, rows * CELL_H);
        g.dispose();
        return img;
    }

    private static String clip(String s, FontMetrics fm, int w) {
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t) > w) {
            t = t.substring(0, t.length() - 1);
        }
        return t.equals(s) ? s : t.substring(0, Math.max(1, t.length() - 1)) + "…";
    }

    /** White at 0, saturated blue at −max and red at +max; grey for NaN. */
    static Color colour(float v, double max) {
        if (!Float.isFinite(v)) {
            return Color.GRAY;
        }
        double t = max == 0 ? 0 : Math.max(-1, Math.min(1, v / max));
        int fade = (int) Math.round(255 * (1 - Math.abs(t)));
        return t >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255);
    }
}

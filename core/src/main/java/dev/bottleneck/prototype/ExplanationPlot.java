package dev.bottleneck.prototype;

import dev.bottleneck.plot.ImageGrid;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Draws one {@link Explanation}: the input and its reconstruction, the class scores as bars, and
 * every prototype (decoded) ordered nearest first with its distance and its weight toward the
 * predicted class — the network's "this looks like that". Rows that are not images are drawn as
 * strips of their values, scaled to [0, 1] together so that they can be compared.
 */
final class ExplanationPlot {
    private static final int PER_ROW = 8;
    private static final Color TEXT = new Color(30, 30, 30);
    private static final Color BAR = new Color(70, 110, 180);
    private static final Color BAR_TOP = new Color(200, 80, 40);

    private ExplanationPlot() {}

    static BufferedImage render(Explanation e) {
        int[] shape = e.imageShape();
        float[][] all = new float[e.prototypes().length + 2][];
        all[0] = e.input();
        all[1] = e.reconstruction();
        System.arraycopy(e.prototypes(), 0, all, 2, e.prototypes().length);
        if (shape == null) {
            all = normaliseTogether(all);
            shape = new int[] {1, 1, all[0].length};
        }
        int scale = Math.max(1, 112 / Math.max(shape[1], shape[2]));
        BufferedImage[] tiles = new BufferedImage[all.length];
        for (int i = 0; i < all.length; i++) {
            tiles[i] = ImageGrid.render(new float[][] {all[i]}, shape[0], shape[1], shape[2], 1, scale);
        }
        int tw = tiles[0].getWidth();
        int th = tiles[0].getHeight();
        Prediction p = e.prediction();
        float[] prob = p.probabilities();
        float[] dist = p.distances();
        int predicted = PrototypeNetwork.argmax(prob);
        int m = dist.length;
        Integer[] order = new Integer[m];
        for (int j = 0; j < m; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble(j -> dist[j]));

        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font bold = font.deriveFont(Font.BOLD, 15f);
        int cellW = Math.max(tw, 96) + 10;
        int captionH = 48;
        int barsW = 300;
        int labelW = 90;
        List<String> classes = e.classes();
        int barsH = classes.size() * 18 + 24;
        int top = 40;
        int row1H = Math.max(th + 24, barsH);
        int protoRows = (m + PER_ROW - 1) / PER_ROW;
        int width = Math.max(2 * cellW + 30 + labelW + barsW + 20, PER_ROW * cellW + 20);
        int height = top + row1H + 34 + protoRows * (th + captionH) + 10;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(TEXT);
        g.setFont(bold);
        g.drawString(String.format("Predicted \"%s\" (probability %.3f); nearest prototype P%d", p.label(), prob[predicted],
                order[0] + 1), 10, 24);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int y = top;
        g.drawString("input", 10, y + 12);
        g.drawImage(tiles[0], 10, y + 16, null);
        g.drawString("reconstruction", 10 + cellW, y + 12);
        g.drawImage(tiles[1], 10 + cellW, y + 16, null);
        int bx = 2 * cellW + 30;
        g.drawString("class scores (softmax)", bx, y + 12);
        for (int k = 0; k < classes.size(); k++) {
            int by = y + 20 + k * 18;
            String name = classes.get(k);
            g.setColor(TEXT);
            g.drawString(name, bx + labelW - 6 - fm.stringWidth(name), by + 12);
            g.setColor(k == predicted ? BAR_TOP : BAR);
            g.fillRect(bx + labelW, by + 2, Math.max(1, Math.round(prob[k] * barsW)), 13);
            g.setColor(TEXT);
            g.drawString(String.format("%.3f", prob[k]), bx + labelW + Math.round(prob[k] * barsW) + 4 > width - 40
                    ? bx + labelW + 4 : bx + labelW + Math.round(prob[k] * barsW) + 4, by + 12);
        }
        y += row1H + 10;
        g.setFont(font.deriveFont(Font.BOLD));
        g.drawString("Prototypes, nearest first: squared distance d, and weight w toward \"" + p.label()
                + "\" (negative: being near raises it)", 10, y + 14);
        g.setFont(font);
        y += 24;
        float[][] weights = e.weights();
        for (int r = 0; r < m; r++) {
            int j = order[r];
            int x = 10 + (r % PER_ROW) * cellW;
            int yy = y + (r / PER_ROW) * (th + captionH);
            g.drawImage(tiles[2 + j], x, yy, null);
            g.setColor(TEXT);
            g.drawString(String.format("P%d  d %.3g", j + 1, dist[j]), x, yy + th + 14);
            g.drawString(String.format("w %.2f", weights[j][predicted]), x, yy + th + 30);
        }
        g.dispose();
        return img;
    }

    /** Rows rescaled to [0, 1] by the joint minimum and maximum of all of them (for drawing). */
    static float[][] normaliseTogether(float[][] rows) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] r : rows) {
            for (float v : r) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        float span = hi > lo ? hi - lo : 1f;
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new float[rows[i].length];
            for (int k = 0; k < rows[i].length; k++) {
                out[i][k] = (rows[i][k] - lo) / span;
            }
        }
        return out;
    }
}

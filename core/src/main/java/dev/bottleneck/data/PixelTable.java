package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a multispectral raster into a table with one row per pixel: its band values, or the
 * band values of its w × w neighbourhood (edges repeat the border pixel), so that clustering a
 * scene is clustering a table. Labels, when given, come from a label raster of the same grid
 * (its value as text; 0 conventionally means unlabelled).
 */
public final class PixelTable {
    private PixelTable() {}

    /**
     * @param image the scene
     * @param window neighbourhood width, an odd number ≥ 1 (1 = the pixel alone)
     * @param labels a one-band label raster of the same size, or {@code null}
     */
    public static Table of(TiffImage image, int window, TiffImage labels) {
        if (window < 1 || window % 2 == 0) {
            throw new BottleneckException("the neighbourhood must be an odd width ≥ 1 (1 or 3), got " + window);
        }
        if (labels != null && (labels.width() != image.width() || labels.height() != image.height())) {
            throw new BottleneckException(labels.source() + " is " + labels.width() + " × " + labels.height()
                    + " pixels but " + image.source() + " is " + image.width() + " × " + image.height()
                    + " (expected the label raster on the same grid)");
        }
        int w = image.width();
        int h = image.height();
        int bands = image.bands();
        int half = window / 2;
        int cols = bands * window * window;
        float[] values = new float[w * h * cols];
        int at = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int dy = -half; dy <= half; dy++) {
                    int yy = Math.min(h - 1, Math.max(0, y + dy));
                    for (int dx = -half; dx <= half; dx++) {
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        for (int b = 0; b < bands; b++) {
                            values[at++] = image.sample(xx, yy, b);
                        }
                    }
                }
            }
        }
        List<String> names = new ArrayList<>(cols);
        for (int dy = -half; dy <= half; dy++) {
            for (int dx = -half; dx <= half; dx++) {
                for (int b = 0; b < bands; b++) {
                    names.add(window == 1 ? "band" + (b + 1) : "band" + (b + 1) + "_dy" + dy + "_dx" + dx);
                }
            }
        }
        String[] text = null;
        if (labels != null) {
            text = new String[w * h];
            for (int i = 0; i < text.length; i++) {
                text[i] = Integer.toString(labels.samples()[i * labels.bands()]);
            }
        }
        return Table.owning(values, w * h, cols, names, text, labels == null ? null : "truth", null, image.source());
    }
}

package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class Scatter2DTest {

    @TempDir Path dir;

    @Test
    void writesPngWithOneSeriesPerGroupInNumericOrder() throws IOException {
        double[] x = {0, 1, 2, 3, Double.NaN};
        double[] y = {0, 1, 0, 1, 1};
        String[] g = {"10", "2", "10", null, "2"};
        Path out = dir.resolve("s.png");
        Scatter2D.write(out, "Latent", x, y, g);
        BufferedImage img = PlotTestSupport.readBack(out);
        assertEquals(Scatter2D.WIDTH, img.getWidth());
        XYChart c = Scatter2D.chart("Latent", "a", "b", x, y, new String[] {"10", "2", "10", "3", "2"});
        assertEquals(List.of("2", "3", "10"), List.copyOf(c.getSeriesMap().keySet()));
        assertTrue(c.getStyler().isLegendVisible());
    }

    @Test
    void manyGroupsHideTheLegend() throws IOException {
        int n = 50;
        double[] x = new double[n];
        double[] y = new double[n];
        String[] g = new String[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i * i;
            g[i] = "cluster " + i;
        }
        XYChart c = Scatter2D.chart("t", "x", "y", x, y, g);
        assertEquals(n, c.getSeriesMap().size());
        assertFalse(c.getStyler().isLegendVisible());
        Path out = dir.resolve("s.png");
        Scatter2D.write(out, "t", x, y, g);
        PlotTestSupport.readBack(out);
    }

    @Test
    void noGroupsAndAllNanDoNotCrash() throws IOException {
        Path out = dir.resolve("s.png");
        Scatter2D.write(out, "t", new double[] {1, 2}, new double[] {3, 4}, null);
        PlotTestSupport.readBack(out);
        Scatter2D.write(out, "t", new double[] {Double.NaN}, new double[] {1}, new String[] {"a"});
        PlotTestSupport.readBack(out);
    }

    @Test
    void emptyOrMismatchedInputIsRejected() {
        Path out = dir.resolve("x.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Scatter2D.write(out, "t", new double[0], new double[0], null));
        assertTrue(e.getMessage().contains("no points"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Scatter2D.write(out, "t", new double[] {1}, new double[] {1, 2}, null));
        assertThrows(IllegalArgumentException.class,
                () -> Scatter2D.write(out, "t", new double[] {1}, new double[] {1}, new String[2]));
    }
}

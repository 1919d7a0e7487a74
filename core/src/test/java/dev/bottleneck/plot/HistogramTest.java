package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class HistogramTest {

    @TempDir Path dir;

    @Test
    void writesPngWithThresholdSeries() throws IOException {
        Random r = new Random(1);
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(r.nextGaussian());
        }
        Path out = dir.resolve("h.png");
        Histogram.write(out, "Scores", v, 30, OptionalDouble.of(2.0));
        BufferedImage img = PlotTestSupport.readBack(out);
        assertEquals(Histogram.WIDTH, img.getWidth());
        assertEquals(Histogram.HEIGHT, img.getHeight());
        XYChart c = Histogram.chart("Scores", v, 30, OptionalDouble.of(2.0));
        assertTrue(c.getSeriesMap().containsKey("threshold = 2"), c.getSeriesMap().keySet().toString());
        assertEquals(1, Histogram.chart("Scores", v, 30, OptionalDouble.empty()).getSeriesMap().size());
    }

    @Test
    void nanAndConstantValuesDoNotCrash() throws IOException {
        Path out = dir.resolve("h.png");
        Histogram.write(out, "t", new double[] {Double.NaN, 3, 3, Double.NEGATIVE_INFINITY}, 10,
                OptionalDouble.of(Double.NaN));
        PlotTestSupport.readBack(out);
        Histogram.write(out, "t", new double[] {Double.NaN}, 10, OptionalDouble.of(1));
        PlotTestSupport.readBack(out);
        Histogram.write(out, "t", new double[] {0, 0}, 1, null);
        PlotTestSupport.readBack(out);
    }

    @Test
    void emptyInputIsRejected() {
        Path out = dir.resolve("x.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Histogram.write(out, "t", new double[0], 10, OptionalDouble.empty()));
        assertTrue(e.getMessage().contains("no values"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Histogram.write(out, "t", new double[] {1}, 0, OptionalDouble.empty()));
    }

    @Test
    void formatsThresholdShortly() {
        assertEquals("1000", Histogram.format(1000));
        assertEquals("0.125", Histogram.format(0.125));
        assertEquals("1.235e-05", Histogram.format(1.2345e-5));
        assertEquals("0", Histogram.format(0));
    }
}

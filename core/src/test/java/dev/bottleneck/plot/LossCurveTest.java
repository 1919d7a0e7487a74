package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurveTest {

    @TempDir Path dir;

    @Test
    void writesPngOfExpectedSize() throws IOException {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("train loss", new double[] {1.0, 0.5, 0.25, 0.2});
        s.put("validation loss", new double[] {1.1, 0.6, 0.4, 0.45});
        Path out = dir.resolve("loss.png");
        LossCurve.write(out, "Loss", new double[] {1, 2, 3, 4}, s);
        BufferedImage img = PlotTestSupport.readBack(out);
        assertEquals(LossCurve.WIDTH, img.getWidth());
        assertEquals(LossCurve.HEIGHT, img.getHeight());
    }

    @Test
    void logScaleSkipsNanAndNonPositive() throws IOException {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("train loss", new double[] {1.0, Double.NaN, 0.0, -1, 0.01});
        s.put("diverged", new double[] {Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 0, 0});
        Path out = dir.resolve("log.png");
        LossCurve.write(out, "Loss", new double[] {1, 2, 3, 4, 5}, s, true);
        PlotTestSupport.readBack(out);
        assertEquals(1, LossCurve.chart("t", new double[] {1, 2, 3, 4, 5}, s, true).getSeriesMap().size());
    }

    @Test
    void allNanStillGivesAPicture() throws IOException {
        Map<String, double[]> s = Map.of("train loss", new double[] {Double.NaN, Double.NaN});
        Path out = dir.resolve("nan.png");
        LossCurve.write(out, "Loss", new double[] {1, 2}, s, true);
        PlotTestSupport.readBack(out);
    }

    @Test
    void emptyOrMismatchedInputIsRejected() {
        Path out = dir.resolve("x.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossCurve.write(out, "t", new double[0], Map.of("a", new double[0])));
        assertTrue(e.getMessage().contains("no epochs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LossCurve.write(out, "t", new double[] {1}, Map.of()));
        assertTrue(e.getMessage().contains("no loss series"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LossCurve.write(out, "t", new double[] {1, 2}, Map.of("a", new double[] {1})));
        assertTrue(e.getMessage().contains("'a' has 1 values but there are 2 epochs"), e.getMessage());
    }
}

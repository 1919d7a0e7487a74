package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatMapTest {
    @TempDir
    Path tmp;

    @Test
    void signsMapToBlueAndRedAndZeroToWhite() {
        assertEquals(new Color(255, 255, 255), HeatMap.colour(0f, 2));
        assertEquals(new Color(255, 0, 0), HeatMap.colour(2f, 2));
        assertEquals(new Color(0, 0, 255), HeatMap.colour(-2f, 2));
        Color half = HeatMap.colour(-1f, 2);
        assertTrue(half.getBlue() == 255 && half.getRed() > 0 && half.getRed() < 255, half.toString());
        assertEquals(Color.GRAY, HeatMap.colour(Float.NaN, 2));
    }

    @Test
    void writesAReadablePngThatGrowsWithTheMatrix() throws Exception {
        Path png = tmp.resolve("w.png");
        HeatMap.write(png, "weights", new float[][] {{1, -1}, {0.5f, 0}, {0, 0}}, List.of("a", "b", "c"), List.of("x", "y"));
        BufferedImage small = PlotTestSupport.readBack(png);
        BufferedImage wide = HeatMap.render("weights", new float[][] {{1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                List.of("a"), List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"));
        assertTrue(wide.getWidth() > small.getWidth());
    }

    @Test
    void labelsMustMatchTheMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeatMap.render("t", new float[][] {{1, 2}}, List.of("a", "b"), List.of("x", "y")));
        assertTrue(e.getMessage().contains("1×2 with 2 row and 2 column labels"), e.getMessage());
    }
}

package dev.bottleneck.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ChartStyleTest {

    static String fmt(String pattern, double v) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    @Test
    void linearLabelsHaveLeadingZeroAndEnoughDecimals() {
        assertEquals("0.05", fmt(ChartStyle.linearPattern(0, 0.57), 0.05));
        assertEquals("0.01236", fmt(ChartStyle.linearPattern(0.01234, 0.01238), 0.01236));
        assertEquals("1.5E-5", fmt(ChartStyle.linearPattern(0, 2e-5), 1.5e-5));
        assertEquals("1,200", fmt(ChartStyle.linearPattern(0, 5000), 1200));
    }

    @Test
    void logLabelsSwitchToScientificForWideRanges() {
        assertEquals("0.01", fmt(ChartStyle.logPattern(-2, 0), 0.01));
        assertEquals("1E-7", fmt(ChartStyle.logPattern(-7, -2), 1e-7));
    }
}

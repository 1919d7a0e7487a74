package dev.bottleneck.plot;

import java.awt.Color;
import org.knowm.xchart.style.XYStyler;

/**
 * The look shared by the XChart-based plots, kept in one place so they match.
 *
 * <p>XChart's defaults print tick labels like ".05" and use a grey plot area; white backgrounds
 * with light grid lines and labels with a leading zero read better, in print and on screen.
 */
final class ChartStyle {

    static {
        PngFiles.ensureHeadless();
    }

    private ChartStyle() {}

    /** White background, light grid lines, light legend border. */
    static void apply(XYStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(228, 228, 228));
        s.setLegendBorderColor(new Color(200, 200, 200));
    }

    /**
     * A {@link java.text.DecimalFormat} pattern for tick labels on a linear axis spanning the finite
     * values {@code lo..hi}: scientific for very large or very small magnitudes, otherwise plain
     * with as many decimals as the span needs (and a leading zero: "0.05", not ".05").
     */
    static String linearPattern(double lo, double hi) {
        double maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
        if (!Double.isFinite(maxAbs) || maxAbs == 0) {
            return "0.###";
        }
        if (maxAbs >= 1e6 || maxAbs < 1e-3) {
            return "0.###E0";
        }
        double span = hi - lo;
        int decimals = span > 0 ? (int) Math.ceil(-Math.log10(span)) + 2 : 3;
        decimals = Math.max(0, Math.min(10, decimals));
        return decimals == 0 ? "#,##0" : "#,##0." + "#".repeat(decimals);
    }

    /** Pattern for a log axis whose decade labels run from 10^{@code loExp} to 10^{@code hiExp}. */
    static String logPattern(int loExp, int hiExp) {
        if (loExp < -4 || hiExp > 5) {
            return "0E0";
        }
        return loExp >= 0 ? "#,##0" : "#,##0." + "#".repeat(-loExp);
    }
}

package dev.bottleneck.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a histogram of scores (typically reconstruction errors) with the anomaly threshold as a
 * vertical line.
 *
 * <p>Whether a threshold is sensible is obvious at a glance on the distribution (does it cut the
 * tail, or through the bulk?) and invisible in a table of percentiles. Bars are drawn as one filled
 * step outline on a numeric x axis rather than as a category chart, so the axis keeps readable
 * tick values however many bins there are, and the threshold sits at its true position.
 *
 * <p>Non-finite values are left out of the bins; their count is mentioned in the x-axis title so
 * they are not silently lost.
 */
public final class Histogram {

    static {
        PngFiles.ensureHeadless();
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    private static final Color BARS = new Color(70, 130, 180);
    private static final Color THRESHOLD = new Color(200, 40, 40);

    private Histogram() {}

    /**
     * Writes a {@value #WIDTH}×{@value #HEIGHT} PNG histogram of {@code values} in {@code bins}
     * equal-width bins spanning the finite values, with {@code threshold}, if present, as a
     * vertical line.
     *
     * @throws IllegalArgumentException if {@code values} is empty or {@code bins < 1}
     */
    public static void write(Path out, String title, double[] values, int bins,
                             OptionalDouble threshold) throws IOException {
        PngFiles.writeAtomically(
                BitmapEncoder.getBufferedImage(chart(title, values, bins, threshold)), out);
    }

    /** Builds the chart that {@link #write} saves. */
    static XYChart chart(String title, double[] values, int bins, OptionalDouble threshold) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("no values for the histogram; need at least one");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        OptionalDouble t = threshold == null ? OptionalDouble.empty() : threshold;

        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int skipped = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            } else {
                skipped++;
            }
        }
        int finite = values.length - skipped;
        if (finite == 0) { // nothing to bin: an empty range around the threshold, or [0, 1]
            min = t.isPresent() && Double.isFinite(t.getAsDouble()) ? t.getAsDouble() : 0;
            max = min;
        }
        if (max <= min) { // all values equal: give the single bar some width
            double pad = min == 0 ? 0.5 : Math.abs(min) * 0.05;
            min -= pad;
            max += pad;
        }

        long[] counts = new long[bins];
        double width = (max - min) / bins;
        for (double v : values) {
            if (Double.isFinite(v)) {
                int b = (int) ((v - min) / width);
                counts[Math.min(bins - 1, Math.max(0, b))]++; // max lands in the last bin
            }
        }

        // Outline of the bars: up the left edge, across the top, down the right edge, for each bin.
        double[] xs = new double[2 * bins + 2];
        double[] ys = new double[2 * bins + 2];
        long top = 0;
        xs[0] = min;
        ys[0] = 0;
        for (int b = 0; b < bins; b++) {
            xs[1 + 2 * b] = min + b * width;
            xs[2 + 2 * b] = b == bins - 1 ? max : min + (b + 1) * width;
            ys[1 + 2 * b] = counts[b];
            ys[2 + 2 * b] = counts[b];
            top = Math.max(top, counts[b]);
        }
        xs[2 * bins + 1] = max;
        ys[2 * bins + 1] = 0;

        String xTitle = "score";
        if (skipped > 0) {
            xTitle += "  (" + skipped + " non-finite value" + (skipped == 1 ? "" : "s") + " not shown)";
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title == null ? "" : title)
                .xAxisTitle(xTitle)
                .yAxisTitle("count")
                .build();
        XYStyler s = chart.getStyler();
        ChartStyle.apply(s);
        s.setXAxisDecimalPattern(ChartStyle.linearPattern(min, max));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0");

        XYSeries bars = chart.addSeries(finite + " value" + (finite == 1 ? "" : "s") + ", " + bins
                + " bin" + (bins == 1 ? "" : "s"), xs, ys);
        bars.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        bars.setMarker(SeriesMarkers.NONE);
        bars.setLineColor(BARS);
        bars.setFillColor(new Color(BARS.getRed(), BARS.getGreen(), BARS.getBlue(), 150));
        bars.setLineStyle(new BasicStroke(1f));

        if (t.isPresent() && Double.isFinite(t.getAsDouble())) {
            double tv = t.getAsDouble();
            XYSeries line = chart.addSeries("threshold = " + format(tv),
                    new double[] {tv, tv}, new double[] {0, Math.max(1, top) * 1.05});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(THRESHOLD);
            line.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {8f, 5f}, 0f));
        }
        return chart;
    }

    /** Short, readable number for the legend: 4 significant digits. */
    static String format(double v) {
        if (v != 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}

package dev.bottleneck.plot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws loss against epoch, one line per series (e.g. "train loss", "validation loss").
 *
 * <p>The shape of the curves answers the questions a log of numbers hides: still falling?
 * overfitting (validation turning up)? diverged? A log-scale y axis helps when the loss falls by
 * orders of magnitude and the interesting part would otherwise be a flat line at the bottom.
 *
 * <p>Non-finite points (a NaN loss after divergence) and, on a log axis, non-positive points are
 * left out rather than failing, so the plot of a broken run can still be looked at.
 */
public final class LossCurve {

    static {
        PngFiles.ensureHeadless();
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    /** Above this many epochs, markers would only clutter the line. */
    private static final int MAX_MARKED_POINTS = 40;

    private LossCurve() {}

    /** Linear y axis; see {@link #write(Path, String, double[], Map, boolean)}. */
    public static void write(Path out, String title, double[] epochs, Map<String, double[]> series)
            throws IOException {
        write(out, title, epochs, series, false);
    }

    /**
     * Writes an {@value #WIDTH}×{@value #HEIGHT} PNG with one line per entry of {@code series}, in
     * the map's iteration order (use a {@link java.util.LinkedHashMap} to control legend order).
     *
     * @param epochs x values, shared by all series
     * @param series name → y values, each as long as {@code epochs}
     * @param logY   logarithmic y axis
     * @throws IllegalArgumentException if there are no epochs or no series, or lengths differ
     */
    public static void write(Path out, String title, double[] epochs, Map<String, double[]> series,
                             boolean logY) throws IOException {
        PngFiles.writeAtomically(BitmapEncoder.getBufferedImage(chart(title, epochs, series, logY)), out);
    }

    /** Builds the chart that {@link #write} saves. */
    static XYChart chart(String title, double[] epochs, Map<String, double[]> series, boolean logY) {
        if (epochs == null || epochs.length == 0) {
            throw new IllegalArgumentException("no epochs to plot; need at least one");
        }
        if (series == null || series.isEmpty()) {
            throw new IllegalArgumentException("no loss series to plot; need at least one");
        }
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (e.getValue() == null || e.getValue().length != epochs.length) {
                throw new IllegalArgumentException("series '" + e.getKey() + "' has "
                        + (e.getValue() == null ? "no values" : e.getValue().length + " values")
                        + " but there are " + epochs.length + " epochs");
            }
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title == null ? "" : title)
                .xAxisTitle("epoch")
                .yAxisTitle(logY ? "loss (log scale)" : "loss")
                .build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (allIntegers(epochs)) {
            chart.getStyler().setXAxisDecimalPattern("#");
        }

        boolean any = false;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[][] xy = plottable(epochs, e.getValue(), logY);
            if (xy[0].length == 0) {
                continue; // nothing drawable (all NaN, or all <= 0 on a log axis)
            }
            for (double v : xy[1]) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            if (xy[0].length > MAX_MARKED_POINTS) {
                s.setMarker(SeriesMarkers.NONE);
            } else {
                s.setMarker(SeriesMarkers.CIRCLE);
            }
            any = true;
        }
        if (any && logY) {
            // XChart labels only powers of ten on a log axis; widen the axis to whole decades so
            // that at least two labelled ticks are always visible.
            int loExp = (int) Math.floor(Math.log10(lo));
            int hiExp = (int) Math.ceil(Math.log10(hi));
            if (hiExp == loExp) {
                hiExp++;
            }
            chart.getStyler().setYAxisMin(Math.pow(10, loExp));
            chart.getStyler().setYAxisMax(Math.pow(10, hiExp));
            chart.getStyler().setYAxisDecimalPattern(ChartStyle.logPattern(loExp, hiExp));
        } else if (any) {
            chart.getStyler().setYAxisDecimalPattern(ChartStyle.linearPattern(lo, hi));
        }
        if (!any) {
            // XChart cannot scale axes without data: show an explicit empty plot instead.
            chart.setTitle((title == null || title.isEmpty() ? "" : title + " — ")
                    + "no finite values to plot");
            chart.getStyler().setYAxisLogarithmic(false);
            XYSeries s = chart.addSeries(" ", new double[] {finiteOr(epochs[0], 0)},
                    new double[] {0});
            s.setMarker(SeriesMarkers.NONE);
            chart.getStyler().setLegendVisible(false);
        }
        return chart;
    }

    /** Keeps the points whose x and y are finite (and y > 0 on a log axis). */
    private static double[][] plottable(double[] x, double[] y, boolean logY) {
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logY || y[i] > 0)) {
                xs[n] = x[i];
                ys[n] = y[i];
                n++;
            }
        }
        return new double[][] {Arrays.copyOf(xs, n), Arrays.copyOf(ys, n)};
    }

    private static boolean allIntegers(double[] v) {
        for (double d : v) {
            if (Double.isFinite(d) && d != Math.rint(d)) {
                return false;
            }
        }
        return true;
    }

    private static double finiteOr(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }
}

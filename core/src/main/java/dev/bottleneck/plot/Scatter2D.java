package dev.bottleneck.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws 2-D points coloured by group, e.g. a latent space coloured by class label or cluster.
 *
 * <p>Whether classes separate in the latent space is a question of shape, answered by eye. Each
 * group gets its own colour from a palette of 20 well-distinguished colours; past
 * {@value #MAX_LEGEND_ENTRIES} groups a legend would be a wall of text and colours repeat anyway,
 * so it is dropped and colours are spread around the hue circle instead.
 *
 * <p>Points with a non-finite coordinate are left out rather than failing.
 */
public final class Scatter2D {

    static {
        PngFiles.ensureHeadless();
    }

    public static final int WIDTH = 800;
    public static final int HEIGHT = 600;

    /** More groups than this: no legend. */
    public static final int MAX_LEGEND_ENTRIES = 20;

    /** Tableau-20 reordered: the ten strong colours first, then their light variants. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf), new Color(0xaec7e8), new Color(0xffbb78),
        new Color(0x98df8a), new Color(0xff9896), new Color(0xc5b0d5), new Color(0xc49c94),
        new Color(0xf7b6d2), new Color(0xc7c7c7), new Color(0xdbdb8d), new Color(0x9edae5),
    };

    private Scatter2D() {}

    /** Axis titles "dimension 1" / "dimension 2"; see {@link #write(Path, String, String, String, double[], double[], String[])}. */
    public static void write(Path out, String title, double[] x, double[] y, String[] groups)
            throws IOException {
        write(out, title, "dimension 1", "dimension 2", x, y, groups);
    }

    /**
     * Writes a {@value #WIDTH}×{@value #HEIGHT} PNG scatter plot.
     *
     * @param groups group label of each point, or {@code null} for a single uncoloured group;
     *               null entries are shown as "(none)"
     * @throws IllegalArgumentException if there are no points or the arrays differ in length
     */
    public static void write(Path out, String title, String xTitle, String yTitle, double[] x,
                             double[] y, String[] groups) throws IOException {
        PngFiles.writeAtomically(
                BitmapEncoder.getBufferedImage(chart(title, xTitle, yTitle, x, y, groups)), out);
    }

    /** Builds the chart that {@link #write} saves. */
    static XYChart chart(String title, String xTitle, String yTitle, double[] x, double[] y,
                         String[] groups) {
        if (x == null || y == null || x.length == 0) {
            throw new IllegalArgumentException("no points to plot; need at least one");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("got " + x.length + " x values but " + y.length
                    + " y values");
        }
        if (groups != null && groups.length != x.length) {
            throw new IllegalArgumentException("got " + x.length + " points but " + groups.length
                    + " group labels");
        }

        // Group -> indices of its finite points, groups in a stable, human order.
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        int finite = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                continue;
            }
            String g = groups == null ? "points" : groups[i] == null ? "(none)" : groups[i];
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(i);
            finite++;
        }
        List<String> names = new ArrayList<>(byGroup.keySet());
        names.sort(groupOrder(names));

        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title == null ? "" : title)
                .xAxisTitle(xTitle == null ? "" : xTitle)
                .yAxisTitle(yTitle == null ? "" : yTitle)
                .build();
        XYStyler s = chart.getStyler();
        ChartStyle.apply(s);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        boolean legend = groups != null && !names.isEmpty() && names.size() <= MAX_LEGEND_ENTRIES;
        s.setLegendVisible(legend);
        if (groups != null && !legend && names.size() > MAX_LEGEND_ENTRIES) {
            chart.setTitle(chart.getTitle() + " (" + names.size() + " groups, too many for a legend)");
        }
        s.setMarkerSize(finite > 5000 ? 3 : finite > 500 ? 5 : 7);

        if (finite == 0) { // XChart needs data to scale axes
            chart.setTitle((title == null || title.isEmpty() ? "" : title + " — ")
                    + "no finite points to plot");
            XYSeries empty = chart.addSeries(" ", new double[] {0}, new double[] {0});
            empty.setMarker(SeriesMarkers.NONE);
            empty.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setLegendVisible(false);
            return chart;
        }

        int alpha = finite > 2000 ? 140 : 210; // translucency shows density where points pile up
        for (int gi = 0; gi < names.size(); gi++) {
            List<Integer> idx = byGroup.get(names.get(gi));
            double[] xs = new double[idx.size()];
            double[] ys = new double[idx.size()];
            for (int k = 0; k < idx.size(); k++) {
                xs[k] = x[idx.get(k)];
                ys[k] = y[idx.get(k)];
            }
            XYSeries series = chart.addSeries(names.get(gi), xs, ys);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            series.setMarker(SeriesMarkers.CIRCLE);
            Color c = colour(gi, names.size());
            series.setMarkerColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha));
        }
        return chart;
    }

    /** Palette colour while it lasts; beyond 20 groups, golden-ratio hues for distinct neighbours. */
    static Color colour(int index, int groupCount) {
        if (groupCount <= PALETTE.length) {
            return PALETTE[index];
        }
        float hue = (float) ((index * 0.618033988749895) % 1.0);
        return Color.getHSBColor(hue, 0.65f, 0.85f);
    }

    /** Numeric labels ("2" before "10") when all are numbers, otherwise alphabetical. */
    private static Comparator<String> groupOrder(List<String> names) {
        boolean numeric = names.stream().allMatch(Scatter2D::isNumber);
        if (numeric) {
            return Comparator.comparingDouble(Double::parseDouble);
        }
        return String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.cluster.ClusteringResult;
import dev.bottleneck.cluster.DeepClusteringResult;
import dev.bottleneck.cluster.Pca;
import dev.bottleneck.data.Table;
import dev.bottleneck.data.TiffImage;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.metrics.ClusterAgreement;
import dev.bottleneck.metrics.ClusterQuality;
import dev.bottleneck.plot.LabelMap;
import dev.bottleneck.plot.Scatter2D;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** What {@code bottleneck cluster} writes: assignments, metrics, scatter plots and, for a scene, the map. */
final class ClusterOutputs {
    /** Rows the silhouette (O(n²)) and the scatter plots use at most; a seeded sample beyond. */
    static final int SILHOUETTE_SAMPLE = 5000;
    static final int SCATTER_SAMPLE = 10000;
    /** In a scene's label raster, 0 marks an unlabelled pixel, left out of the metrics. */
    static final String UNLABELLED = "0";

    private ClusterOutputs() {}

    static void write(Path dir, Table table, ClusteringResult r, TiffImage scene, long seed) {
        int[] clusters = r.assignments();
        CsvOutput.write(dir.resolve("assignments.csv"), List.of("cluster"), clusters.length,
                (i, sb) -> sb.append(clusters[i]), table);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method().id());
        m.put("k", r.k());
        m.put("rows", table.rows());
        m.put("columns", table.cols());
        m.put("seed", seed);
        m.put("code_width", r.codes()[0].length);
        m.put("seconds", r.seconds());
        m.put("kmeans_inertia", r.kmeans().inertia());
        m.put("kmeans_restarts", r.kmeans().restarts());
        int[] truth = null;
        int[] evaluated = null;
        if (table.hasLabels()) {
            evaluated = labelledRows(table, scene != null);
            List<String> labelled = new ArrayList<>(evaluated.length);
            for (int i : evaluated) {
                labelled.add(table.label(i));
            }
            truth = ClusterAgreement.ids(labelled);
            int[] found = new int[evaluated.length];
            for (int i = 0; i < evaluated.length; i++) {
                found[i] = clusters[evaluated[i]];
            }
            m.put("label_column", table.labelColumn().orElse("label"));
            m.put("evaluated_rows", evaluated.length);
            if (evaluated.length > 0) {
                m.put("accuracy", ClusterAgreement.accuracy(truth, found));
                m.put("nmi", ClusterAgreement.nmi(truth, found));
                m.put("ari", ClusterAgreement.ari(truth, found));
                if (r.deep() != null || r.mixture() != null || r.scan() != null) {
                    // DEC / DEPICT start from k-means on the pre-trained codes, N2D and SCAN report it beside
                    // their own: how good AE + k-means alone was
                    int[] start = new int[evaluated.length];
                    for (int i = 0; i < evaluated.length; i++) {
                        start[i] = r.kmeans().assignments()[evaluated[i]];
                    }
                    m.put("start_accuracy", ClusterAgreement.accuracy(truth, start));
                    m.put("start_nmi", ClusterAgreement.nmi(truth, start));
                    m.put("start_ari", ClusterAgreement.ari(truth, start));
                }
            }
        }
        long used = java.util.Arrays.stream(clusters).distinct().count();
        if (used >= 2 && used < clusters.length) {
            int[] sample = sample(clusters.length, SILHOUETTE_SAMPLE, seed);
            float[][] codes = pick(r.codes(), sample);
            int[] labels = pick(clusters, sample);
            if (java.util.Arrays.stream(labels).distinct().count() >= 2) {
                m.put("silhouette", ClusterQuality.silhouette(codes, labels));
                m.put("silhouette_rows", sample.length);
            }
            m.put("calinski_harabasz", ClusterQuality.calinskiHarabasz(r.codes(), clusters));
            m.put("davies_bouldin", ClusterQuality.daviesBouldin(r.codes(), clusters));
        }
        if (r.deep() != null) {
            DeepClusteringResult d = r.deep();
            Map<String, Object> deep = new LinkedHashMap<>();
            deep.put("iterations", d.iterations());
            deep.put("converged", d.converged());
            deep.put("target_updates", d.history());
            m.put("deep", deep);
        }
        if (r.mixture() != null) {
            Map<String, Object> mixture = new LinkedHashMap<>();
            mixture.put("converged", r.mixture().converged());
            mixture.put("log_likelihood_per_row", r.mixture().logLikelihood());
            if (r.mixture().failure() != null) {
                mixture.put("failure", r.mixture().failure());
            }
            m.put("mixture", mixture);
        }
        if (r.scan() != null) {
            Map<String, Object> scan = new LinkedHashMap<>();
            scan.put("kept_head", r.scan().head());
            scan.put("screening_losses", finite(r.scan().screeningLosses()));
            scan.put("final_losses", finite(r.scan().finalLosses()));
            scan.put("consistency", r.scan().consistency());
            scan.put("size_entropy", r.scan().sizeEntropy());
            scan.put("stopped", r.scan().stopped());
            m.put("scan", scan);
        }
        try {
            AtomicFiles.writeString(dir.resolve("metrics.json"), Json.mapper().writeValueAsString(m) + "\n");
        } catch (IOException e) {
            throw new BottleneckException("could not write " + dir.resolve("metrics.json") + ": " + e.getMessage(), e);
        }
        plots(dir, table, r, seed);
        if (scene != null) {
            map(dir, table, r, scene, m);
        }
        System.err.printf(Locale.ROOT, "%s: %d clusters in %.1f s%s; wrote %s%n", r.method().id(), r.k(), r.seconds(),
                m.containsKey("accuracy") ? String.format(Locale.ROOT, ", ACC %.4f NMI %.4f ARI %.4f on %d labelled rows",
                        m.get("accuracy"), m.get("nmi"), m.get("ari"), evaluated.length) : "", dir);
    }

    private static void plots(Path dir, Table table, ClusteringResult r, long seed) {
        int[] sample = sample(r.codes().length, SCATTER_SAMPLE, seed);
        float[][] codes = pick(r.codes(), sample);
        float[][] xy = codes[0].length > 2 ? Pca.builder().optComponents(2).build().fit(codes).transform(codes) : codes;
        double[] x = new double[xy.length];
        double[] y = new double[xy.length];
        String[] byCluster = new String[xy.length];
        String[] byLabel = table.hasLabels() ? new String[xy.length] : null;
        for (int i = 0; i < xy.length; i++) {
            x[i] = xy[i][0];
            y[i] = xy[i].length > 1 ? xy[i][1] : 0;
            byCluster[i] = Integer.toString(r.assignments()[sample[i]]);
            if (byLabel != null) {
                byLabel[i] = table.label(sample[i]);
            }
        }
        String axes = codes[0].length > 2 ? "code PC " : "code ";
        String what = String.format(Locale.ROOT, "%s codes (%d of %d rows)", r.method().id(), xy.length, r.codes().length);
        try {
            Scatter2D.write(dir.resolve("scatter-clusters.png"), what + " by cluster", axes + "1", axes + "2", x, y, byCluster);
            if (byLabel != null) {
                Scatter2D.write(dir.resolve("scatter-labels.png"), what + " by " + table.labelColumn().orElse("label"),
                        axes + "1", axes + "2", x, y, byLabel);
            }
        } catch (IOException e) {
            throw new BottleneckException("could not write the scatter plots in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void map(Path dir, Table table, ClusteringResult r, TiffImage scene, Map<String, Object> m) {
        List<LabelMap.Panel> panels = new ArrayList<>();
        panels.add(new LabelMap.Panel(String.format(Locale.ROOT, "%s, k = %d", r.method().id(), r.k()),
                r.assignments(), false));
        if (table.hasLabels()) {
            int[] truth = new int[table.rows()];
            for (int i = 0; i < truth.length; i++) {
                truth[i] = Integer.parseInt(table.label(i));
            }
            panels.add(new LabelMap.Panel("ground truth (white: unlabelled)", truth, true));
        }
        try {
            LabelMap.write(dir.resolve("map.png"), scene.width(), scene.height(), 1, panels.toArray(LabelMap.Panel[]::new));
        } catch (IOException e) {
            throw new BottleneckException("could not write " + dir.resolve("map.png") + ": " + e.getMessage(), e);
        }
    }

    /** Losses as a JSON list, null where a head has none (NaN is not JSON). */
    private static List<Double> finite(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isNaN(v) ? null : v);
        }
        return out;
    }

    /** Rows with a label; for a scene, the pixels whose label is not 0. */
    private static int[] labelledRows(Table t, boolean scene) {
        return java.util.stream.IntStream.range(0, t.rows())
                .filter(i -> !scene || !UNLABELLED.equals(t.label(i))).toArray();
    }

    /** All row indices when n ≤ max, else a seeded sample of max of them in ascending order. */
    static int[] sample(int n, int max, long seed) {
        if (n <= max) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        int[] all = java.util.stream.IntStream.range(0, n).toArray();
        Random r = new Random(seed);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = java.util.Arrays.copyOf(all, max);
        java.util.Arrays.sort(out);
        return out;
    }

    private static float[][] pick(float[][] rows, int[] which) {
        float[][] out = new float[which.length][];
        for (int i = 0; i < which.length; i++) {
            out[i] = rows[which[i]];
        }
        return out;
    }

    private static int[] pick(int[] values, int[] which) {
        int[] out = new int[which.length];
        for (int i = 0; i < which.length; i++) {
            out[i] = values[which[i]];
        }
        return out;
    }
}

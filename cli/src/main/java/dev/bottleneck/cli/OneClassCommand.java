package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.metrics.Ranking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-vs-rest novelty detection on a labelled image set (Fashion-MNIST by default), the protocol of
 * Deep SVDD and GEOM: for each class, fit on that class's training images only, score every test
 * image, and measure ROC-AUC with the other classes as the anomalies.
 */
@Command(name = "one-class", mixinStandardHelpOptions = true, sortOptions = false,
        description = "One-vs-rest ROC-AUC per class on an IDX image set; prints a per-class table and the mean.")
final class OneClassCommand implements Runnable {
    @Option(names = "--train", required = true, paramLabel = "IDX", description = "Training images (labels file beside it).")
    Path train;

    @Option(names = "--test", required = true, paramLabel = "IDX", description = "Test images (labels file beside it).")
    Path test;

    @Option(names = "--detectors", split = ",", defaultValue = "ae", paramLabel = "NAME",
            description = "Detectors, with optional +key=value settings as in 'bench adbench' (default ae).")
    List<String> detectors;

    @Option(names = "--classes", split = ",", paramLabel = "C", description = "Classes to run (default all).")
    List<String> classes;

    @Option(names = "--per-class", defaultValue = "0", paramLabel = "N",
            description = "Use the first N training images of the class (default all).")
    int perClass;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Model seed (default 0).")
    long seed;

    @Option(names = "--out", paramLabel = "CSV", description = "Also write one row per class and detector.")
    Path out;

    @Override
    public void run() {
        Table trainAll = DataSources.load(train, "label", null);
        Table testAll = DataSources.load(test, "label", null);
        if (!trainAll.hasLabels() || !testAll.hasLabels()) {
            throw new BottleneckException("one-class evaluation needs the IDX labels files beside " + train + " and " + test);
        }
        List<String> wanted = classes != null && !classes.isEmpty() ? classes : distinctLabels(trainAll);
        Map<String, double[]> auc = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("class,detector,roc_auc,average_precision,train_rows,fit_seconds\n");
        System.out.printf(Locale.ROOT, "%-6s %6s", "class", "train");
        detectors.forEach(d -> System.out.printf(Locale.ROOT, " | %-12s", d));
        System.out.println();
        for (int ci = 0; ci < wanted.size(); ci++) {
            String cls = wanted.get(ci);
            Table normal = trainAll.select(indices(trainAll, cls, perClass));
            boolean[] anomalous = new boolean[testAll.rows()];
            for (int i = 0; i < anomalous.length; i++) {
                anomalous[i] = !testAll.label(i).equals(cls);
            }
            System.out.printf(Locale.ROOT, "%-6s %6d", cls, normal.rows());
            for (String det : detectors) {
                try (Detector d = AdbenchCommand.variant(det).optSeed(seed).create()) {
                    FitResult fit = d.fit(normal);
                    double[] s = d.score(testAll);
                    double roc = Ranking.rocAuc(s, anomalous);
                    auc.computeIfAbsent(det, k -> new double[wanted.size()])[ci] = roc;
                    csv.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%d,%.2f%n", cls, det, roc,
                            Ranking.averagePrecision(s, anomalous), normal.rows(), fit.seconds()));
                    System.out.printf(Locale.ROOT, " | %-12.4f", roc);
                    System.out.flush();
                }
            }
            System.out.println();
        }
        System.out.printf(Locale.ROOT, "%-13s", "MEAN");
        for (String det : detectors) {
            double mean = java.util.Arrays.stream(auc.get(det)).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, " | %-12.4f", mean);
        }
        System.out.println();
        if (out != null) {
            AtomicFiles.writeString(out, csv.toString());
        }
    }

    private static List<String> distinctLabels(Table t) {
        java.util.TreeSet<String> s = new java.util.TreeSet<>((a, b) -> {
            try {
                return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        });
        for (int i = 0; i < t.rows(); i++) {
            s.add(t.label(i));
        }
        return new ArrayList<>(s);
    }

    private static int[] indices(Table t, String cls, int limit) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < t.rows() && (limit <= 0 || idx.size() < limit); i++) {
            if (t.label(i).equals(cls)) {
                idx.add(i);
            }
        }
        if (idx.isEmpty()) {
            throw new BottleneckException("class \"" + cls + "\" has no training images");
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }
}

package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.Detector;
import dev.bottleneck.anomaly.DetectorConfig;
import dev.bottleneck.anomaly.Detectors;
import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Table;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.metrics.Ranking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The ADBench tabular protocol: per set and seed a stratified 60/40 split; every detector is fitted
 * on the training part without labels and measured on the test part (ROC-AUC, average precision).
 * Peers run on the very same splits through {@code bench/peers/sklearn_detectors.py}; all metrics
 * are computed here, by {@link Ranking}, so the methods differ only in their scores.
 */
@Command(name = "adbench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the ADBench tabular protocol; prints a per-set table and the mean.")
final class AdbenchCommand implements Runnable {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder of ADBench CSVs (header x0..,label).")
    Path dir;

    @Option(names = "--sets", split = ",", paramLabel = "NAME", description = "Sets to run (file names without .csv.gz); default all.")
    List<String> sets;

    @Option(names = "--seeds", split = ",", defaultValue = "0,1,2", paramLabel = "N", description = "Split and model seeds (default 0,1,2).")
    List<Long> seeds;

    @Option(names = "--detectors", split = ",", defaultValue = "pae", paramLabel = "NAME",
            description = "Bottleneck detectors (default pae, the default detector); a variant adds settings after '+', e.g. pae+mss-iterations=0+beta=0"
                    + " (keys: alpha, beta, mss-k, mss-iterations, samples, epochs).")
    List<String> detectors;

    @Option(names = "--peer", paramLabel = "SCRIPT", description = "The scikit-learn peer script; without it no peers run.")
    Path peer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "EXE", description = "Python with scikit-learn (default Debian's).")
    String python;

    @Option(names = "--out", paramLabel = "CSV", description = "Also write one row per set, seed and method (rewritten after each set).")
    Path out;

    /** One measurement. */
    record Row(String set, long seed, String method, double rocAuc, double averagePrecision, double fitSeconds,
               double scoreRowsPerSecond) {}

    @Override
    public void run() {
        List<Path> files = files();
        List<String> methods = new ArrayList<>(detectors);
        if (peer != null) {
            methods.add("iforest");
            methods.add("pca");
        }
        List<Row> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-18s %7s %5s %6s", "set", "rows", "cols", "out%");
        for (String m : methods) {
            System.out.printf(Locale.ROOT, " | %-8s %-6s %-6s", m, "ROC", "PR");
        }
        System.out.println();
        Path tmp;
        try {
            tmp = Files.createTempDirectory("adbench");
        } catch (IOException e) {
            throw new BottleneckException("could not create a temporary folder: " + e.getMessage(), e);
        }
        try {
            for (Path f : files) {
                String name = f.getFileName().toString().replaceAll("\\.csv(\\.gz)?$", "");
                Table t = DataSources.load(f, "label", null);
                boolean[] y = outliers(t);
                List<Row> setRows = new ArrayList<>();
                for (long seed : seeds) {
                    int[][] split = stratifiedSplit(y, 0.6, seed);
                    Table train = t.select(split[0]);
                    Table test = t.select(split[1]);
                    boolean[] yTest = new boolean[split[1].length];
                    for (int i = 0; i < yTest.length; i++) {
                        yTest[i] = y[split[1][i]];
                    }
                    for (String det : detectors) {
                        setRows.add(runOurs(name, seed, det, train, test, yTest));
                    }
                    if (peer != null) {
                        setRows.addAll(runPeers(name, seed, train, test, yTest, tmp));
                    }
                }
                rows.addAll(setRows);
                if (out != null) { // after every set: a long run stopped halfway keeps what it measured
                    writeRows(rows);
                }
                long pos = 0;
                for (boolean b : y) {
                    pos += b ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%-18s %7d %5d %6.2f", name, t.rows(), t.cols(), 100.0 * pos / t.rows());
                for (String m : methods) {
                    System.out.printf(Locale.ROOT, " | %-8s %.4f %.4f", "", mean(setRows, m, true), mean(setRows, m, false));
                }
                System.out.println();
                System.out.flush();
            }
        } finally {
            AtomicFiles.deleteRecursively(tmp);
        }
        System.out.printf(Locale.ROOT, "%-18s %7s %5s %6s", "MEAN (" + files.size() + " sets)", "", "", "");
        for (String m : methods) {
            System.out.printf(Locale.ROOT, " | %-8s %.4f %.4f", "", mean(rows, m, true), mean(rows, m, false));
        }
        System.out.println();
        for (String m : detectors) {
            double fit = rows.stream().filter(r -> r.method().equals(m)).mapToDouble(Row::fitSeconds).sum();
            System.out.printf(Locale.ROOT, "%s: total fit time %.1f s over %d fits%n", m, fit,
                    rows.stream().filter(r -> r.method().equals(m)).count());
        }
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            throw new BottleneckException("ADBench folder " + dir + " does not exist");
        }
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.getFileName().toString().matches(".*\\.csv(\\.gz)?$")).sorted(
                    (a, b) -> a.getFileName().toString().compareToIgnoreCase(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new BottleneckException("could not list " + dir + ": " + e.getMessage(), e);
        }
        if (sets == null || sets.isEmpty()) {
            return all;
        }
        List<Path> chosen = new ArrayList<>();
        for (String want : sets) {
            Path p = all.stream().filter(f -> f.getFileName().toString().replaceAll("\\.csv(\\.gz)?$", "").equals(want))
                    .findFirst().orElseThrow(() -> new BottleneckException("set \"" + want + "\" is not in " + dir));
            chosen.add(p);
        }
        return chosen;
    }

    private Row runOurs(String set, long seed, String det, Table train, Table test, boolean[] yTest) {
        try (Detector d = variant(det).optSeed(seed).create()) {
            FitResult fit = d.fit(train);
            long t0 = System.nanoTime();
            double[] s = d.score(test);
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Row(set, seed, det, Ranking.rocAuc(s, yTest), Ranking.averagePrecision(s, yTest),
                    fit.seconds(), test.rows() / Math.max(secs, 1e-9));
        }
    }

    /** A detector name with optional {@code +key=value} settings. */
    static DetectorConfig.Builder variant(String spec) {
        String[] parts = spec.split("\\+");
        DetectorConfig.Builder b = Detectors.byName(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new BottleneckException("detector variant \"" + spec + "\": expected key=value after '+', got \"" + parts[i] + "\"");
            }
            if (kv[0].equals("aggregation")) {
                b.optAggregation(kv[1]);
                continue;
            }
            double v;
            try {
                v = Double.parseDouble(kv[1]);
            } catch (NumberFormatException e) {
                throw new BottleneckException("detector variant \"" + spec + "\": " + kv[0] + " must be a number, got \"" + kv[1] + "\"");
            }
            switch (kv[0]) {
                case "alpha" -> b.optAlpha(v);
                case "beta" -> b.optBeta(v);
                case "mss-k" -> b.optMeanShiftK((int) v);
                case "mss-iterations" -> b.optMeanShiftIterations((int) v);
                case "samples" -> b.optSamples((int) v);
                case "epochs" -> b.optEpochs((int) v);
                case "k" -> b.optNeighbours((int) v);
                case "smoothing" -> b.optSmoothing(v);
                default -> throw new BottleneckException("detector variant \"" + spec + "\": unknown setting \"" + kv[0]
                        + "\" (expected alpha, beta, mss-k, mss-iterations, samples, epochs, k, smoothing or aggregation)");
            }
        }
        return b;
    }

    private List<Row> runPeers(String set, long seed, Table train, Table test, boolean[] yTest, Path tmp) {
        Path trainCsv = tmp.resolve("train.csv");
        Path testCsv = tmp.resolve("test.csv");
        Path scores = tmp.resolve("scores.csv");
        writeFeatures(trainCsv, train);
        writeFeatures(testCsv, test);
        String json;
        try {
            Process p = new ProcessBuilder(python, peer.toString(), trainCsv.toString(), testCsv.toString(),
                    Long.toString(seed), scores.toString()).redirectErrorStream(true).start();
            json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new BottleneckException("the peer script failed on " + set + ": " + json);
            }
            List<String> lines = Files.readAllLines(scores);
            int n = lines.size() - 1;
            double[] iso = new double[n];
            double[] pca = new double[n];
            for (int i = 0; i < n; i++) {
                String[] parts = lines.get(i + 1).split(",");
                iso[i] = Double.parseDouble(parts[0]);
                pca[i] = Double.parseDouble(parts[1]);
            }
            Map<String, Double> fit = parseSeconds(json);
            return List.of(
                    new Row(set, seed, "iforest", Ranking.rocAuc(iso, yTest), Ranking.averagePrecision(iso, yTest),
                            fit.getOrDefault("iforest_fit_seconds", Double.NaN), Double.NaN),
                    new Row(set, seed, "pca", Ranking.rocAuc(pca, yTest), Ranking.averagePrecision(pca, yTest),
                            fit.getOrDefault("pca_fit_seconds", Double.NaN), Double.NaN));
        } catch (IOException e) {
            throw new BottleneckException("could not run the peer script " + peer + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BottleneckException("interrupted while running the peer script");
        }
    }

    private static Map<String, Double> parseSeconds(String json) {
        Map<String, Double> out = new LinkedHashMap<>();
        String last = json.lines().reduce((a, b) -> b).orElse("{}");
        for (String part : last.replaceAll("[{}\"]", "").split(",")) {
            String[] kv = part.split(":");
            if (kv.length == 2) {
                try {
                    out.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
                } catch (NumberFormatException ignored) {
                    // a non-numeric field: not a timing
                }
            }
        }
        return out;
    }

    private static void writeFeatures(Path file, Table t) {
        AtomicFiles.write(file, stream -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
            float[] v = t.values();
            int c = t.cols();
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < t.rows(); r++) {
                sb.setLength(0);
                for (int j = 0; j < c; j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    sb.append(v[r * c + j]);
                }
                w.write(sb.toString());
                w.newLine();
            }
            w.flush();
        });
    }

    private void writeRows(List<Row> rows) {
        StringBuilder sb = new StringBuilder("set,seed,method,roc_auc,average_precision,fit_seconds,score_rows_per_second\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%.6f,%.3f,%.1f%n", r.set(), r.seed(), r.method(),
                    r.rocAuc(), r.averagePrecision(), r.fitSeconds(), r.scoreRowsPerSecond()));
        }
        AtomicFiles.writeString(out, sb.toString());
    }

    private static double mean(List<Row> rows, String method, boolean roc) {
        return rows.stream().filter(r -> r.method().equals(method))
                .mapToDouble(r -> roc ? r.rocAuc() : r.averagePrecision()).average().orElse(Double.NaN);
    }

    private static boolean[] outliers(Table t) {
        if (!t.hasLabels()) {
            throw new BottleneckException(t.source() + " has no label column (expected ADBench's 'label', 1 = outlier)");
        }
        boolean[] y = new boolean[t.rows()];
        for (int i = 0; i < y.length; i++) {
            String l = t.label(i).trim();
            y[i] = l.equals("1") || l.equals("1.0");
        }
        return y;
    }

    /**
     * Indices of a stratified split: within each class, a seeded shuffle puts round(f·n) rows in
     * training, the rest in test; each part keeps file order.
     */
    static int[][] stratifiedSplit(boolean[] y, double trainFraction, long seed) {
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (boolean cls : new boolean[] {false, true}) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == cls) {
                    idx.add(i);
                }
            }
            java.util.Collections.shuffle(idx, random);
            int nTrain = (int) Math.round(trainFraction * idx.size());
            train.addAll(idx.subList(0, nTrain));
            test.addAll(idx.subList(nTrain, idx.size()));
        }
        return new int[][] {train.stream().mapToInt(Integer::intValue).sorted().toArray(),
                test.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }
}

package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns a data path as the user gives it ({@code --data}) into a {@link Table}, choosing the
 * reader from the file name.
 *
 * <p>IDX images files are recognised by name: {@code *-images-idx3-ubyte[.gz]},
 * {@code *.idx3-ubyte[.gz]} (the names MNIST and Fashion-MNIST ship with) and {@code *.idx[.gz]}.
 * Their labels file is found beside them by replacing {@code images-idx3} with
 * {@code labels-idx1} (or {@code images.idx3} with {@code labels.idx1}), so that passing
 * {@code train-images-idx3-ubyte.gz} alone gives a labelled table. Everything else is read as
 * CSV with a header. Keeping this choice in one place means the CLI, the server and the Java API
 * accept the same files.
 */
public final class DataSources {
    private DataSources() {
    }

    /**
     * Loads a CSV or IDX file.
     *
     * @param path        the data file
     * @param labelColumn CSV column kept as labels (not features), or {@code null}; for IDX data
     *                    the labels come from the paired labels file, and naming a label column
     *                    makes a missing labels file an error
     * @param impute      what CSV reading does with blank, NaN and infinite cells ({@code null}
     *                    means {@link ImputePolicy#REJECT}); IDX data has no missing cells
     * @throws BottleneckException with one sentence for any problem with the file
     */
    public static Table load(Path path, String labelColumn, ImputePolicy impute) {
        if (path == null) {
            throw new BottleneckException("no data file was given (expected a CSV file or an IDX images file)");
        }
        if (isIdxLabels(path)) {
            throw new BottleneckException(path + " is an IDX labels file (expected the images file beside it, such as "
                    + "train-images-idx3-ubyte.gz, whose labels are then read automatically)");
        }
        if (isIdxImages(path)) {
            Path labels = labelsBeside(path);
            boolean found = labels != null && Files.isRegularFile(labels);
            if (!found && labelColumn != null && !labelColumn.isBlank()) {
                throw new BottleneckException("no IDX labels file was found beside " + path + " for label column \""
                        + labelColumn + "\" (expected " + (labels == null ? "a file named like *-labels-idx1-ubyte.gz"
                        : labels.toString()) + ")");
            }
            return IdxReader.readImages(path, found ? labels : null, 0);
        }
        return CsvReader.builder()
                .setPath(path)
                .optLabelColumn(labelColumn)
                .optImpute(impute == null ? ImputePolicy.REJECT : impute)
                .build()
                .read();
    }

    /** Whether the file name marks an IDX images file. */
    public static boolean isIdxImages(Path path) {
        String n = baseName(path);
        return n.endsWith("images-idx3-ubyte") || n.endsWith(".idx3-ubyte") || n.endsWith(".idx");
    }

    /**
     * The labels file that pairs with an IDX images file by name: the existing one of
     * {@code <name with labels-idx1>} and the same with {@code .gz} added or removed, else the
     * first of these; {@code null} when the name has no {@code images-idx3} pattern.
     */
    public static Path labelsBeside(Path images) {
        String file = images.getFileName().toString();
        String labels = file.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        if (labels.equals(file)) {
            return null;
        }
        Path same = images.resolveSibling(labels);
        Path other = images.resolveSibling(labels.endsWith(".gz")
                ? labels.substring(0, labels.length() - 3) : labels + ".gz");
        return !Files.isRegularFile(same) && Files.isRegularFile(other) ? other : same;
    }

    private static boolean isIdxLabels(Path path) {
        String n = baseName(path);
        return n.endsWith("labels-idx1-ubyte") || n.endsWith(".idx1-ubyte");
    }

    private static String baseName(Path path) {
        Path f = path.getFileName();
        String n = f == null ? "" : f.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".gz") ? n.substring(0, n.length() - 3) : n;
    }
}

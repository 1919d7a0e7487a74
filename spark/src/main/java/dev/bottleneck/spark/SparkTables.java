package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * Reads CSV and Parquet through Spark into a {@link FeatureFrame}: the feature columns become
 * 32-bit floats (the precision every Bottleneck model computes in), the label column is kept as
 * it is, and every other column is left alone.
 *
 * <p>CSV is read with a header and without schema inference (one pass less over the data): cells
 * are parsed straight to float, as core's {@code CsvReader} does, so a table read here and the same
 * file read by core hold the same bits. Empty cells become nulls, which scoring treats as bad rows.
 */
public final class SparkTables {
    private SparkTables() {}

    /**
     * Reads {@code path} (a {@code .csv}/{@code .csv.gz} file or folder, or Parquet) with every
     * column except {@code label} as a feature (CSV), or every numeric column except {@code label}
     * (Parquet).
     */
    public static FeatureFrame read(SparkSession spark, String path, String label) {
        return read(spark, path, label, null);
    }

    /**
     * Like {@link #read(SparkSession, String, String)}, with the feature columns named explicitly
     * (null or empty = all columns as described there).
     */
    public static FeatureFrame read(SparkSession spark, String path, String label, List<String> features) {
        Dataset<Row> raw = isCsv(path)
                ? spark.read().option("header", "true").option("mode", "FAILFAST").csv(path)
                : spark.read().parquet(path);
        return features(raw, label, features, path);
    }

    /**
     * Names the features of an existing DataFrame and casts them to float. Without a list they are
     * the numeric columns except the label, or every column but the label when all are text (a CSV).
     */
    public static FeatureFrame features(Dataset<Row> frame, String label, List<String> features, String source) {
        List<String> names = Arrays.asList(frame.columns());
        if (label != null && !names.contains(label)) {
            throw new BottleneckException(source + " has no column \"" + label + "\" to use as the label (its columns: "
                    + shortList(names) + ")");
        }
        List<String> chosen = new ArrayList<>();
        if (features != null && !features.isEmpty()) {
            for (String f : features) {
                if (!names.contains(f)) {
                    throw new BottleneckException(source + " has no feature column \"" + f + "\" (its columns: "
                            + shortList(names) + ")");
                }
                chosen.add(f);
            }
        } else {
            // a CSV read here has only text columns (parsed to float below); elsewhere text is not a feature
            boolean allText = Arrays.stream(frame.schema().fields()).allMatch(f -> f.dataType().equals(DataTypes.StringType));
            for (StructField f : frame.schema().fields()) {
                boolean usable = f.dataType() instanceof NumericType || (allText && f.dataType().equals(DataTypes.StringType));
                if (!f.name().equals(label) && usable) {
                    chosen.add(f.name());
                }
            }
        }
        if (chosen.isEmpty()) {
            throw new BottleneckException(source + " has no numeric feature columns besides the label"
                    + " (expected at least one column of numbers)");
        }
        List<Column> select = new ArrayList<>();
        for (String c : names) {
            select.add(chosen.contains(c) ? column(c).cast(DataTypes.FloatType).as(c) : column(c));
        }
        return new FeatureFrame(frame.select(select.toArray(new Column[0])), chosen, label, source);
    }

    /** The column of that exact name: quoted, so that a dot ("x.1", as in Landsat) is not a struct field. */
    static Column column(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }

    static boolean isCsv(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".csv") || p.endsWith(".csv.gz") || p.endsWith(".tsv");
    }

    private static String shortList(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 4)) + " … " + names.get(names.size() - 1);
    }
}

package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Arrays;
import java.util.List;

/**
 * Batch scoring of a DataFrame with a Bottleneck model: the plain-Java entry point (the {@link
 * AutoencoderTransformer} wraps it for ML pipelines).
 *
 * <pre>{@code
 * ScoredFrame out = SparkScorer.score(df, ScoreOptions.builder()
 *         .setModelPath("/models/wdbc-detector").optLabelCol("anomaly").build());
 * out.frame().write().parquet("scored.parquet");
 * }</pre>
 */
public final class SparkScorer {
    private SparkScorer() {}

    /** Adds the output columns to {@code input}; lazy, as every transformation. */
    public static ScoredFrame score(Dataset<Row> input, ScoreOptions options) {
        ScoringPlan plan = plan(input.schema(), options, describe(input));
        LongAccumulator bad = input.sparkSession().sparkContext().longAccumulator("bottleneck bad rows");
        LongAccumulator rows = input.sparkSession().sparkContext().longAccumulator("bottleneck rows scored");
        Dataset<Row> out = input.mapPartitions(new PartitionScorer(plan, bad, rows),
                Encoders.row(outputSchema(input.schema(), plan, options)));
        return new ScoredFrame(out, bad, rows);
    }

    /** Scores a frame read by {@link SparkTables}, with its feature columns as the inputs. */
    public static ScoredFrame score(FeatureFrame input, ScoreOptions options) {
        ScoreOptions o = options.inputCols() == null && options.inputCol().isEmpty()
                ? new ScoreOptions(options.modelPath(), input.features(), "", options.scoreCol(), options.codeCol(),
                        options.labelCol(), options.threshold(), options.batchSize(), options.badRowPolicy())
                : options;
        return score(input.frame(), o);
    }

    /** The schema {@link #score} produces: the input's columns followed by the outputs. */
    public static StructType outputSchema(StructType in, ScoreOptions options) {
        return outputSchema(in, plan(in, options, "the data"), options);
    }

    private static StructType outputSchema(StructType in, ScoringPlan plan, ScoreOptions o) {
        StructType out = in;
        if (plan.score()) {
            out = out.add(newColumn(in, o.scoreCol()), DataTypes.DoubleType, true);
        }
        if (plan.code()) {
            out = out.add(newColumn(in, o.codeCol()), SQLDataTypes.VectorType(), true);
        }
        if (plan.label()) {
            out = out.add(newColumn(in, o.labelCol()), DataTypes.IntegerType, true);
        }
        return out;
    }

    private static String newColumn(StructType in, String name) {
        if (Arrays.asList(in.fieldNames()).contains(name)) {
            throw new BottleneckException("output column \"" + name + "\" already exists in the input"
                    + " (choose another name for it)");
        }
        return name;
    }

    /** Resolves columns and threshold against the schema and the (executor-cached) model. */
    static ScoringPlan plan(StructType schema, ScoreOptions o, String source) {
        ModelRef ref = ModelRef.resolve(o.modelPath());
        LoadedModel model = ExecutorModels.get(ref);
        int width = model.model().inputWidth();
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] index = new int[0];
        int vector = -1;
        String[] featureNames;
        if (!o.inputCol().isEmpty()) {
            vector = indexOf(names, o.inputCol(), source);
            DataType t = schema.fields()[vector].dataType();
            boolean ok = t.equals(SQLDataTypes.VectorType())
                    || (t instanceof ArrayType a && a.elementType() instanceof NumericType);
            if (!ok) {
                throw new BottleneckException(source + " column \"" + o.inputCol() + "\" is " + t.simpleString()
                        + "; expected an ML vector or an array of numbers");
            }
            featureNames = new String[] {o.inputCol()};
        } else {
            List<String> cols = o.inputCols() != null ? o.inputCols() : model.columns();
            if (cols.isEmpty()) {
                throw new BottleneckException("the model at " + ref.path() + " records no column names;"
                        + " set inputCols (the feature columns, in training order)");
            }
            if (cols.size() != width) {
                throw new BottleneckException(cols.size() + " input columns are set but the model expects " + width);
            }
            index = new int[width];
            for (int c = 0; c < width; c++) {
                index[c] = indexOf(names, cols.get(c), source);
                StructField f = schema.fields()[index[c]];
                if (!(f.dataType() instanceof NumericType)) {
                    throw new BottleneckException(source + " column \"" + f.name() + "\" is " + f.dataType().simpleString()
                            + "; expected numbers (read the data with SparkTables, which casts features to float)");
                }
            }
            featureNames = cols.toArray(new String[0]);
        }
        boolean label = !o.labelCol().isEmpty();
        Double threshold = o.threshold() != null ? o.threshold() : model.threshold();
        if (label && threshold == null) {
            throw new BottleneckException("a label column needs a threshold: " + ref.path() + " is a plain model, so give"
                    + " a detector directory (bottleneck detect --save) or set a threshold");
        }
        return new ScoringPlan(ref, index, vector, featureNames, width, !o.scoreCol().isEmpty(), !o.codeCol().isEmpty(),
                label, threshold == null ? Double.NaN : threshold, o.batchSize(), o.badRowPolicy(), source);
    }

    private static int indexOf(List<String> names, String column, String source) {
        int i = names.indexOf(column);
        if (i < 0) {
            throw new BottleneckException(source + " has no column \"" + column + "\" (the model's input; its columns are "
                    + (names.size() <= 8 ? names : names.subList(0, 8) + " …") + ")");
        }
        return i;
    }

    private static String describe(Dataset<Row> input) {
        String[] files = input.inputFiles();
        return files.length == 1 ? files[0] : files.length > 1 ? files[0] + " (+" + (files.length - 1) + " files)" : "the data";
    }
}

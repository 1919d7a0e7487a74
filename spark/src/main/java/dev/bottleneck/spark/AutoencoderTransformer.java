package dev.bottleneck.spark;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Arrays;
import java.util.List;

/**
 * A Spark ML {@link Transformer} that appends Bottleneck outputs (score, code, anomaly label) to a
 * DataFrame, for use in a {@code Pipeline}. It is {@link SparkScorer} with its options as ML
 * params; the model is loaded once per executor.
 *
 * <pre>{@code
 * Dataset<Row> scored = new AutoencoderTransformer()
 *         .setModelPath("/models/wdbc-detector")
 *         .setLabelCol("anomaly")
 *         .setBadRowPolicy("null")
 *         .transform(df);
 * }</pre>
 */
public final class AutoencoderTransformer extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final StringArrayParam inputCols;
    private final Param<String> inputCol;
    private final Param<String> scoreCol;
    private final Param<String> codeCol;
    private final Param<String> labelCol;
    private final DoubleParam threshold;
    private final IntParam batchSize;
    private final Param<String> badRowPolicy;
    private transient LongAccumulator badRows;

    public AutoencoderTransformer() {
        this(Identifiable$.MODULE$.randomUID("bottleneck"));
    }

    public AutoencoderTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model or detector directory, readable on every executor");
        inputCols = new StringArrayParam(this, "inputCols", "numeric feature columns in training order (default: the model's)");
        inputCol = new Param<>(this, "inputCol", "a vector or array column holding the features (instead of inputCols)");
        scoreCol = new Param<>(this, "scoreCol", "output column of the reconstruction-error score (empty = none)");
        codeCol = new Param<>(this, "codeCol", "output column of the code as an ML vector (empty = none)");
        labelCol = new Param<>(this, "labelCol", "output column of the 0/1 anomaly label (empty = none)");
        threshold = new DoubleParam(this, "threshold", "label threshold (default: the detector's)");
        batchSize = new IntParam(this, "batchSize", "rows per engine call", ParamValidators.gtEq(1));
        badRowPolicy = new Param<>(this, "badRowPolicy", "fail | null: what a row with a null/NaN/infinite feature gets");
        setDefault(inputCol, "");
        setDefault(scoreCol, "score");
        setDefault(codeCol, "");
        setDefault(labelCol, "");
        setDefault(batchSize, ScoreOptions.DEFAULT_BATCH_SIZE);
        setDefault(badRowPolicy, BadRowPolicy.FAIL.id());
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark finds params through public no-argument methods returning Param, hence these accessors.
    public Param<String> modelPath() { return modelPath; }
    public StringArrayParam inputCols() { return inputCols; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> scoreCol() { return scoreCol; }
    public Param<String> codeCol() { return codeCol; }
    public Param<String> labelCol() { return labelCol; }
    public DoubleParam threshold() { return threshold; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> badRowPolicy() { return badRowPolicy; }

    public AutoencoderTransformer setModelPath(String v) { set(modelPath, v); return this; }
    public AutoencoderTransformer setInputCols(String... v) { set(inputCols, v); return this; }
    public AutoencoderTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public AutoencoderTransformer setScoreCol(String v) { set(scoreCol, v); return this; }
    public AutoencoderTransformer setCodeCol(String v) { set(codeCol, v); return this; }
    public AutoencoderTransformer setLabelCol(String v) { set(labelCol, v); return this; }
    public AutoencoderTransformer setThreshold(double v) { set(threshold, v); return this; }
    public AutoencoderTransformer setBatchSize(int v) { set(batchSize, v); return this; }
    public AutoencoderTransformer setBadRowPolicy(String v) { set(badRowPolicy, BadRowPolicy.parse(v).id()); return this; }

    /** The bad-row counter of the last {@link #transform}, filled in as actions on its result run. */
    public LongAccumulator badRows() {
        return badRows;
    }

    /** These params as the plain function's options. */
    public ScoreOptions options() {
        List<String> cols = isDefined(inputCols) ? Arrays.asList(getOrDefault(inputCols)) : null;
        return ScoreOptions.builder()
                .setModelPath(isDefined(modelPath) ? getOrDefault(modelPath) : null)
                .optInputCols(cols)
                .optInputCol(getOrDefault(inputCol))
                .optScoreCol(getOrDefault(scoreCol))
                .optCodeCol(getOrDefault(codeCol))
                .optLabelCol(getOrDefault(labelCol))
                .optThreshold(isDefined(threshold) ? (Double) getOrDefault(threshold) : null)
                .optBatchSize((Integer) getOrDefault(batchSize))
                .optBadRowPolicy(BadRowPolicy.parse(getOrDefault(badRowPolicy)))
                .build();
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        @SuppressWarnings("unchecked")
        Dataset<Row> rows = (Dataset<Row>) dataset.toDF();
        ScoredFrame out = SparkScorer.score(rows, options());
        badRows = out.badRows();
        return out.frame();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return SparkScorer.outputSchema(schema, options());
    }

    @Override
    public AutoencoderTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}

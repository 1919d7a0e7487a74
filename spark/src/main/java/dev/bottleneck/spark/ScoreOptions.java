package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;

import java.io.Serializable;
import java.util.List;

/**
 * What {@link SparkScorer} adds to a DataFrame, and how. Build with {@link #builder()}: {@code
 * setModelPath} is required, the rest optional. An empty output column name leaves that output out.
 *
 * @param modelPath a model directory ({@code bottleneck train --save}) or a detector directory
 *     ({@code bottleneck detect --save}), readable at the same path on every executor
 * @param inputCols numeric feature columns in the model's order; null = the model's training columns
 * @param inputCol instead of inputCols: one column holding a vector or an array of numbers
 * @param scoreCol reconstruction-error score (double), higher = more unusual
 * @param codeCol the code (bottleneck output) as an ML vector, for clustering or retrieval
 * @param labelCol 1 when the score is above the threshold, else 0
 * @param threshold score threshold for labelCol; null = the detector's fitted threshold
 * @param batchSize rows per engine call within a partition
 * @param badRowPolicy what a row with a null, NaN or infinite feature gets
 */
public record ScoreOptions(
        String modelPath,
        List<String> inputCols,
        String inputCol,
        String scoreCol,
        String codeCol,
        String labelCol,
        Double threshold,
        int batchSize,
        BadRowPolicy badRowPolicy) implements Serializable {

    /** Core's inference batch: the same batches as single-machine scoring, so the same bits. */
    public static final int DEFAULT_BATCH_SIZE = 4096;

    public static Builder builder() {
        return new Builder();
    }

    /** DJL-style builder, validated at {@link #build()}. */
    public static final class Builder {
        private String modelPath;
        private List<String> inputCols;
        private String inputCol;
        private String scoreCol = "score";
        private String codeCol = "";
        private String labelCol = "";
        private Double threshold;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private BadRowPolicy badRowPolicy = BadRowPolicy.FAIL;

        public Builder setModelPath(String v) { modelPath = v; return this; }
        public Builder optInputCols(List<String> v) { inputCols = v; return this; }
        public Builder optInputCol(String v) { inputCol = v; return this; }
        public Builder optScoreCol(String v) { scoreCol = v; return this; }
        public Builder optCodeCol(String v) { codeCol = v; return this; }
        public Builder optLabelCol(String v) { labelCol = v; return this; }
        public Builder optThreshold(Double v) { threshold = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optBadRowPolicy(BadRowPolicy v) { badRowPolicy = v; return this; }

        public ScoreOptions build() {
            if (modelPath == null || modelPath.isBlank()) {
                throw new BottleneckException("modelPath must be set (a model or detector directory)");
            }
            if (inputCol != null && !inputCol.isEmpty() && inputCols != null && !inputCols.isEmpty()) {
                throw new BottleneckException("set either inputCols (numeric columns) or inputCol (one vector column), not both");
            }
            if (batchSize < 1) {
                throw new BottleneckException("batchSize must be ≥ 1, got " + batchSize);
            }
            if (threshold != null && !Double.isFinite(threshold)) {
                throw new BottleneckException("threshold must be a finite number, got " + threshold);
            }
            if (badRowPolicy == null) {
                throw new BottleneckException("badRowPolicy must be fail or null");
            }
            String s = nz(scoreCol);
            String c = nz(codeCol);
            String l = nz(labelCol);
            if (s.isEmpty() && c.isEmpty() && l.isEmpty()) {
                throw new BottleneckException("no output column is set (set scoreCol, codeCol or labelCol)");
            }
            return new ScoreOptions(modelPath, inputCols == null ? null : List.copyOf(inputCols), nz(inputCol), s, c, l,
                    threshold, batchSize, badRowPolicy);
        }

        private static String nz(String v) {
            return v == null ? "" : v;
        }
    }
}

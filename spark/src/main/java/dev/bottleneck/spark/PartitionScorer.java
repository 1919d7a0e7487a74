package dev.bottleneck.spark;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.FitResult;
import dev.bottleneck.data.Table;
import dev.bottleneck.model.Autoencoder;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Scores one partition: takes the executor's cached model, reads up to {@code batchSize} rows,
 * scores them in one engine call through core's {@link Autoencoder}, and hands the rows on with
 * the new columns appended. Rows stream through, so a partition of any length needs memory for
 * one batch only.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ScoringPlan plan;
    private final RowFeatures features;
    private final LongAccumulator badRows;
    private final LongAccumulator scoredRows;

    PartitionScorer(ScoringPlan plan, LongAccumulator badRows, LongAccumulator scoredRows) {
        this.plan = plan;
        this.features = new RowFeatures(plan.featureIndex(), plan.vectorIndex(), plan.featureNames(), plan.width());
        this.badRows = badRows;
        this.scoredRows = scoredRows;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        LoadedModel model = ExecutorModels.get(plan.model());
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(plan.batchSize());
            private Iterator<Row> out = java.util.Collections.emptyIterator();
            private long rowIndex;

            @Override
            public boolean hasNext() {
                if (out.hasNext()) {
                    return true;
                }
                if (!input.hasNext()) {
                    return false;
                }
                out = scoreNext(model, partition);
                return out.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return out.next();
            }

            private Iterator<Row> scoreNext(LoadedModel m, int part) {
                batch.clear();
                int d = plan.width();
                float[] values = new float[plan.batchSize() * d];
                boolean[] bad = new boolean[plan.batchSize()];
                int good = 0;
                while (batch.size() < plan.batchSize() && input.hasNext()) {
                    Row row = input.next();
                    String problem = features.copy(row, values, good * d);
                    if (problem != null) {
                        if (plan.policy() == BadRowPolicy.FAIL) {
                            throw new BottleneckException(plan.source() + ": partition " + part + ", row " + rowIndex
                                    + " of the partition (0-based): " + problem
                                    + "; expected a finite number (set the bad-row policy to \"null\" to score such rows"
                                    + " as null and count them)");
                        }
                        bad[batch.size()] = true;
                        badRows.add(1);
                    } else {
                        good++;
                    }
                    batch.add(row);
                    rowIndex++;
                }
                scoredRows.add(batch.size());
                float[][] results = good == 0 ? new float[0][] : run(m, values, good);
                List<Row> rows = new ArrayList<>(batch.size());
                int g = 0;
                for (int i = 0; i < batch.size(); i++) {
                    rows.add(append(batch.get(i), bad[i] ? null : results[g++]));
                }
                return rows.iterator();
            }
        };
    }

    /**
     * Scores (and encodes) {@code n} rows: each result row is the code followed by the score. A
     * plain model's score is core's {@code Autoencoder.score}, computed with the code in one forward
     * pass; a detector's is the detector's own score, the one its threshold was fitted on.
     */
    private float[][] run(LoadedModel loaded, float[] values, int n) {
        Autoencoder model = loaded.model();
        int d = plan.width();
        float[] cells = values.length == n * d ? values : java.util.Arrays.copyOf(values, n * d);
        Table table = new Table(cells, n, d, columnNames(d), null, null, null, plan.source());
        if (loaded.detector() != null) {
            double[] s = loaded.detector().score(table);
            float[][] codes = plan.code() ? model.encode(table) : null;
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = codes == null ? new float[] {(float) s[i]} : java.util.Arrays.copyOf(codes[i], codes[i].length + 1);
                out[i][out[i].length - 1] = (float) s[i];
            }
            return out;
        }
        if (!plan.code()) {
            double[] s = model.score(table);
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = new float[] {(float) s[i]};
            }
            return out;
        }
        int latent = model.latent();
        return model.mapRows(model.prepare(table), n, latent + 1, x -> {
            Autoencoder.Forward f = model.forward(x, false);
            NDArray code = f.code().reshape(n(x), latent);
            return code.concat(f.perRow().reshape(-1, 1), 1);
        });
    }

    private static long n(NDArray x) {
        return x.getShape().get(0);
    }

    private List<String> columnNames(int d) {
        if (plan.vectorIndex() < 0) {
            return List.of(plan.featureNames());
        }
        List<String> names = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            names.add(plan.featureNames()[0] + "[" + i + "]");
        }
        return names;
    }

    private Row append(Row in, float[] result) {
        int extra = (plan.score() ? 1 : 0) + (plan.code() ? 1 : 0) + (plan.label() ? 1 : 0);
        Object[] cells = new Object[in.length() + extra];
        for (int i = 0; i < in.length(); i++) {
            cells[i] = in.get(i);
        }
        int k = in.length();
        Double score = result == null ? null : (double) result[result.length - 1];
        if (plan.score()) {
            cells[k++] = score;
        }
        if (plan.code()) {
            cells[k++] = result == null ? null : Vectors.dense(toDoubles(result, result.length - 1));
        }
        if (plan.label()) {
            cells[k] = score == null ? null : FitResult.flags(new double[] {score}, plan.threshold())[0];
        }
        return RowFactory.create(cells);
    }

    private static double[] toDoubles(float[] a, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i];
        }
        return out;
    }
}

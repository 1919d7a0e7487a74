package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.List;

/**
 * Copies the features of one Row into a float buffer, and says which cell is bad when one is null,
 * NaN or infinite. Numbers of any Spark numeric type are narrowed to float as Java's {@code
 * floatValue} does (the same as Spark's own cast to float).
 */
final class RowFeatures implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] index;
    private final int vectorIndex;
    private final String[] names;
    private final int width;

    RowFeatures(int[] index, int vectorIndex, String[] names, int width) {
        this.index = index;
        this.vectorIndex = vectorIndex;
        this.names = names;
        this.width = width;
    }

    /**
     * Writes the row's {@code width} features to {@code dst[offset..]}.
     *
     * @return null when every cell is a finite number, else the bad cell described ("column x3 is NaN")
     */
    String copy(Row row, float[] dst, int offset) {
        if (vectorIndex >= 0) {
            return copyVector(row, dst, offset);
        }
        for (int c = 0; c < width; c++) {
            Object v = row.get(index[c]);
            if (v == null) {
                return "column " + names[c] + " is null (missing)";
            }
            float x = ((Number) v).floatValue();
            String bad = check(x);
            if (bad != null) {
                return "column " + names[c] + " is " + bad;
            }
            dst[offset + c] = x;
        }
        return null;
    }

    private String copyVector(Row row, float[] dst, int offset) {
        Object v = row.get(vectorIndex);
        if (v == null) {
            return "column " + names[0] + " is null (missing)";
        }
        int n;
        if (v instanceof Vector vec) {
            n = vec.size();
            if (n == width) {
                for (int c = 0; c < n; c++) {
                    dst[offset + c] = (float) vec.apply(c);
                }
            }
        } else {
            List<Object> list = row.getList(vectorIndex);
            n = list.size();
            if (n == width) {
                for (int c = 0; c < n; c++) {
                    Object e = list.get(c);
                    dst[offset + c] = e == null ? Float.NaN : ((Number) e).floatValue();
                }
            }
        }
        if (n != width) {
            throw new BottleneckException("column " + names[0] + " holds " + n + " values in a row but the model expects "
                    + width + " (one per feature it was trained on)");
        }
        for (int c = 0; c < width; c++) {
            String bad = check(dst[offset + c]);
            if (bad != null) {
                return "column " + names[0] + " element " + c + " is " + bad;
            }
        }
        return null;
    }

    private static String check(float x) {
        if (Float.isNaN(x)) {
            return "NaN";
        }
        return Float.isInfinite(x) ? "infinite" : null;
    }
}

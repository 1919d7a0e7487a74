package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * A seeded division of a table into training and validation rows.
 *
 * <p>The seed makes the split reproducible: the same table, fraction and seed always give the
 * same rows on every machine ({@link java.util.Random} is a specified algorithm), so a reported
 * validation loss can be re-derived. Validation is never {@code null}: with fraction 0 it is a
 * table with 0 rows (check {@link #hasValidation()}), so callers need no special case. Within each
 * part, rows keep their order in the source table, which keeps outputs easy to line up with the
 * input file; the training loop shuffles batches on its own.
 *
 * @param train      rows to fit on
 * @param validation held-out rows, possibly 0 of them
 */
public record Split(Table train, Table validation) {

    /** Checks that both parts are present. */
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /**
     * Splits {@code table}: {@code round(fraction * rows)} rows, chosen by a shuffle seeded with
     * {@code seed}, go to validation. When the fraction is above 0 and there are at least 2 rows,
     * validation gets at least 1 row and training keeps at least 1.
     *
     * @param validationFraction share of rows held out, from 0 (inclusive) to 1 (exclusive)
     * @throws BottleneckException when the fraction is outside [0, 1) or not a number
     */
    public static Split of(Table table, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new BottleneckException("validation fraction " + validationFraction + " is out of range"
                    + " (expected a number from 0 up to but not including 1, such as 0.1)");
        }
        int rows = table.rows();
        int nVal = (int) Math.round(validationFraction * rows);
        if (validationFraction > 0 && rows >= 2) {
            nVal = Math.max(1, Math.min(rows - 1, nVal));
        } else if (rows < 2) {
            nVal = 0;
        }
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] val = Arrays.copyOfRange(order, 0, nVal);
        int[] train = Arrays.copyOfRange(order, nVal, rows);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(table.select(train), table.select(val));
    }

    /** Whether any rows were held out. */
    public boolean hasValidation() {
        return validation.rows() > 0;
    }
}

package dev.bottleneck.model;

import dev.bottleneck.BottleneckException;

import java.util.List;

/** Range checks shared by the specs, each failing with a sentence that names the field. */
final class Specs {
    private Specs() {}

    static void positive(String field, long value) {
        if (value <= 0) {
            throw new BottleneckException(
                    field + " must be a positive whole number, got " + value);
        }
    }

    static void positiveAll(String field, List<Integer> values) {
        if (values == null) {
            throw new BottleneckException(field + " must be given");
        }
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            if (v == null || v <= 0) {
                throw new BottleneckException(
                        field + " must all be positive whole numbers, but entry " + (i + 1) + " is " + v);
            }
        }
    }

    static void fraction(String field, double value, boolean allowOne) {
        if (!(value >= 0) || (allowOne ? value > 1 : value >= 1)) {
            throw new BottleneckException(
                    field + " must be in [0, " + (allowOne ? "1]" : "1)") + ", got " + value);
        }
    }
}

package dev.bottleneck.train;

import java.util.function.IntUnaryOperator;

/** The one Fisher–Yates shuffle the trainers share, over whichever seeded generator each one keeps. */
public final class Shuffle {
    private Shuffle() {}

    /**
     * 0..n−1 in a random order.
     *
     * @param nextInt a generator's {@code nextInt(bound)}: a uniform draw from 0..bound−1
     */
    public static int[] permutation(int n, IntUnaryOperator nextInt) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt.applyAsInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}

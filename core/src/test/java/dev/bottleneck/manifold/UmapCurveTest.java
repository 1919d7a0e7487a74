package dev.bottleneck.manifold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The a/b curve against umap-learn's {@code find_ab_params} (scipy's curve_fit on the same 300 points). */
class UmapCurveTest {
    @Test
    void matchesScipysFitForUmapLearnsDefaultsForN2dsMinDistAndAWiderSpread() {
        // reference values: scipy.optimize.curve_fit (scipy 1.10, Debian) as umap-learn calls it
        check(0.1, 1.0, 1.5769434601962196, 0.8950608779914887);
        check(0.0, 1.0, 1.9328083975546724, 0.7904949734010681);
        check(0.5, 2.0, 0.25887874119038884, 1.057499699581397);
    }

    private static void check(double minDist, double spread, double a, double b) {
        UmapCurve c = UmapCurve.fit(minDist, spread);
        assertEquals(a, c.a(), 1e-4 * a, "a for min_dist " + minDist);
        assertEquals(b, c.b(), 1e-4 * b, "b for min_dist " + minDist);
    }
}

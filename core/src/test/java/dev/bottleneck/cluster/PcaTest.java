package dev.bottleneck.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

/** PCA against scikit-learn's explained variance on 600 Landsat rows. */
class PcaTest {
    private static final JsonNode F = SklearnLandsat.FIXTURE.get("pca");

    @Test
    void explainedVarianceMatchesScikitLearn() {
        PcaModel m = Pca.builder().optComponents(36).build().fit(SklearnLandsat.ROWS);
        double[] variance = SklearnLandsat.doubles(F.get("explained_variance"));
        double[] ratio = SklearnLandsat.doubles(F.get("explained_variance_ratio"));
        for (int k = 0; k < 36; k++) {
            // double-precision covariance + eigensolver vs LAPACK's SVD: agreement to ~1e-9 of the largest
            assertEquals(variance[k], m.explainedVariance()[k], 1e-8 * variance[0], "variance of axis " + k);
            assertEquals(ratio[k], m.explainedVarianceRatio()[k], 1e-9, "ratio of axis " + k);
        }
    }

    @Test
    void keepingNinetyPercentChoosesScikitLearnsCountAndProjectsOntoUncorrelatedAxes() {
        PcaModel m = Pca.builder().optVarianceToKeep(0.9).build().fit(SklearnLandsat.ROWS);
        assertEquals(F.get("components_for_0.9").asInt(), m.size());
        float[][] z = m.transform(SklearnLandsat.ROWS);
        // the projections' sample variance along each axis is the axis's eigenvalue
        for (int k = 0; k < m.size(); k++) {
            double mean = 0;
            for (float[] r : z) {
                mean += r[k];
            }
            mean /= z.length;
            double var = 0;
            for (float[] r : z) {
                var += (r[k] - mean) * (r[k] - mean);
            }
            var /= z.length - 1;
            assertEquals(m.explainedVariance()[k], var, 1e-4 * m.explainedVariance()[k]);
        }
    }

    @Test
    void badSettingsAreNamed() {
        assertEquals("the share of variance to keep must be in (0, 1], got 1.5",
                assertThrows(BottleneckException.class, () -> Pca.builder().optVarianceToKeep(1.5).build()).getMessage());
        assertThrows(BottleneckException.class, () -> Pca.builder().optComponents(40).build().fit(SklearnLandsat.ROWS));
    }
}

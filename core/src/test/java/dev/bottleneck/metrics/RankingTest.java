package dev.bottleneck.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bottleneck.BottleneckException;
import org.junit.jupiter.api.Test;

/** ROC-AUC and average precision against values worked out by hand (and matching scikit-learn). */
class RankingTest {
    // positives at scores 0.35 and 0.8; negatives 0.1, 0.4
    private static final double[] S = {0.1, 0.4, 0.35, 0.8};
    private static final boolean[] Y = {false, false, true, true};

    @Test
    void rocAucByHand() {
        // pairs (pos, neg): (0.35,0.1) win, (0.35,0.4) loss, (0.8,0.1) win, (0.8,0.4) win → 3/4
        assertEquals(0.75, Ranking.rocAuc(S, Y), 1e-12);
    }

    @Test
    void averagePrecisionByHand() {
        // ranked: 0.8(+) P=1 R=.5; 0.4(−); 0.35(+) P=2/3 R=1 → AP = .5·1 + .5·2/3 = 0.8333…
        assertEquals(0.5 + 0.5 * 2.0 / 3.0, Ranking.averagePrecision(S, Y), 1e-12);
    }

    @Test
    void tiesCountOneHalf() {
        double[] s = {0.5, 0.5, 0.5, 0.5};
        assertEquals(0.5, Ranking.rocAuc(s, Y), 1e-12);
        // one threshold: everything predicted, precision 2/4, recall 1
        assertEquals(0.5, Ranking.averagePrecision(s, Y), 1e-12);
        // a tie between a positive and a negative: pos {1, 2}, neg {1, 0}: wins 3, ties 1 → 3.5/4
        double[] t = {1, 0, 1, 2};
        assertEquals(0.875, Ranking.rocAuc(t, Y), 1e-12);
        // thresholds 2: P=1, R=.5; 1: tp 2 of 3, R=1 → .5 + .5·2/3
        assertEquals(0.5 + 0.5 * 2.0 / 3.0, Ranking.averagePrecision(t, Y), 1e-12);
    }

    @Test
    void perfectAndReversed() {
        double[] s = {1, 2, 3, 4};
        boolean[] y = {false, false, true, true};
        assertEquals(1.0, Ranking.rocAuc(s, y), 1e-12);
        assertEquals(1.0, Ranking.averagePrecision(s, y), 1e-12);
        boolean[] rev = {true, true, false, false};
        assertEquals(0.0, Ranking.rocAuc(s, rev), 1e-12);
        // ranked 4(−) 3(−) 2(+) P=1/3 R=.5, 1(+) P=2/4 R=1 → .5/3 + .5·.5
        assertEquals(0.5 / 3 + 0.25, Ranking.averagePrecision(s, rev), 1e-12);
    }

    @Test
    void badInput() {
        BottleneckException e = assertThrows(BottleneckException.class,
                () -> Ranking.rocAuc(new double[] {1, 2}, new boolean[] {true, true}));
        assertTrue(e.getMessage().contains("both classes"), e.getMessage());
        assertThrows(BottleneckException.class, () -> Ranking.rocAuc(new double[] {1}, new boolean[] {true, false}));
        assertThrows(BottleneckException.class,
                () -> Ranking.averagePrecision(new double[] {Double.NaN, 1}, new boolean[] {true, false}));
    }
}

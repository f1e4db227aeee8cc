package dev.gated.engine.data.sequences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FeatureSequencesTest {
    /** Two sequences of I = 1: [1, 2, 3] and [4]. */
    private static FeatureSequences two() {
        return new FeatureSequences(1, new float[][] {{1, 2, 3}, {4}});
    }

    @Test
    void padsInTheOrderGivenRepeatsAllowed() {
        FeatureSequences.Padded p = two().pad(new int[] {1, 0, 1});
        assertEquals(3, p.seqLength());
        assertArrayEquals(new float[] {4, 1, 4, 0, 2, 0, 0, 3, 0}, p.x());
        assertArrayEquals(new int[] {1, 3, 1}, p.lengths());
    }

    @Test
    void subsetMayBeEmptyButABatchMayNot() {
        assertEquals(0, two().subset(new int[0]).size());
        assertThrows(IllegalArgumentException.class, () -> two().pad(new int[0]));
        assertThrows(IllegalStateException.class, () -> two().subset(new int[0]).meanStd());
    }

    @Test
    void rejectsBadShapesAndStatistics() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureSequences(2, new float[][] {{1, 2, 3}}));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSequences(1, new float[][] {{}}));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSequences(0, new float[][] {}));
        assertThrows(IllegalArgumentException.class,
                () -> two().standardized(new double[] {0}, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> two().standardized(new double[] {0}, new double[] {-1}));
        assertThrows(IndexOutOfBoundsException.class, () -> two().length(2));
    }

    @Test
    void meanStdCountsEveryStepOnce() {
        double[][] ms = two().meanStd();
        assertArrayEquals(new double[] {2.5}, ms[0], 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(1.25)}, ms[1], 1e-12);
    }
}

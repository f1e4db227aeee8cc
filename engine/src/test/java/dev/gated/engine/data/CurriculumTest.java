package dev.gated.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CurriculumTest {
    @Test
    void lengthGrowsLinearlyFromStartToFullOverTheEpochs() {
        Curriculum c = new Curriculum(10, 4);
        // start + (full - start) * e / epochs, rounded down: 10, 10 + 90/4 = 32, 55, 77, then full.
        int[] expected = {10, 32, 55, 77, 100, 100};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], c.maxLength(e, 100), "epoch " + e);
        }
        assertEquals(30, new Curriculum(50, 3).maxLength(0, 30), "a start beyond the full length is the full one");
        assertThrows(IllegalArgumentException.class, () -> new Curriculum(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Curriculum(5, 0));
    }

    @Test
    void truncationKeepsTheLastStepsLikeMaxLength() {
        // Two sequences of 4 and 2 steps, one feature whose value names the step: x = 10*b + t.
        int t = 4;
        int bs = 2;
        float[] x = new float[t * bs];
        int[] lengths = {4, 2};
        for (int s = 0; s < t; s++) {
            for (int b = 0; b < bs; b++) {
                x[s * bs + b] = s < lengths[b] ? 10 * b + s : 0;
            }
        }
        SequenceBatch batch = new SequenceBatch(t, bs, 1, 1, x, lengths, new float[] {7, 8});
        SequenceBatch cut = Curriculum.truncate(batch, 3);
        assertEquals(3, cut.seqLength());
        assertArrayEquals(new int[] {3, 2}, cut.lengths());
        // Sequence 0 keeps steps 1..3; sequence 1 (already short) is unchanged; padding stays 0.
        assertArrayEquals(new float[] {1, 10, 2, 11, 3, 0}, cut.x());
        assertArrayEquals(new float[] {7, 8}, cut.y());
        assertSame(batch, Curriculum.truncate(batch, 4), "nothing to cut");

        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7}; // per step, [T, B]
        SequenceBatch lm = SequenceBatch.ofLabels(t, bs, 1, 8, x, lengths, labels);
        SequenceBatch lmCut = Curriculum.truncate(lm, 1);
        assertArrayEquals(new int[] {1, 1}, lmCut.lengths());
        assertArrayEquals(new float[] {3, 11}, lmCut.x());
        assertArrayEquals(new int[] {6, 3}, lmCut.labels(), "per-step labels follow their steps");
    }
}

package dev.gated.engine.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.SequenceBatch;
import org.junit.jupiter.api.Test;

class CharCorpusTest {
    private static final int[] IDS = {0, 1, 2, 3, 0, 1, 2};

    @Test
    void countNeedsWindowPlusOneIdsPerExample() {
        assertEquals(2, CharCorpus.of(IDS, 4, 3, 2).size());  // starts 0, 2 (start 4 would need ids up to 7)
        assertEquals(4, CharCorpus.of(IDS, 4, 3, 1).size());  // starts 0..3
        assertEquals(1, CharCorpus.of(IDS, 4, 6, 1).size());  // exactly window + 1 ids
        assertEquals(1, CharCorpus.of(IDS, 4, 3, 5).size());
        assertEquals(2, CharCorpus.of(IDS, 4, 3, 2).start(1));
    }

    @Test
    void oneHotInputsAndNextCharacterLabelsPerStep() {
        CharCorpus c = CharCorpus.of(IDS, 4, 3, 2);
        assertEquals(4, c.inputSize());
        assertEquals(4, c.outputSize());
        SequenceBatch b = c.batch(0, 2);
        assertEquals(3, b.seqLength());
        assertEquals(2, b.batchSize());
        float[] x = new float[3 * 2 * 4];
        // example 0 reads ids 0, 1, 2; example 1 reads ids 2, 3, 0; element (t, b, v) at (t*2 + b)*4 + v
        x[0] = 1;
        x[4 + 2] = 1;
        x[8 + 1] = 1;
        x[12 + 3] = 1;
        x[16 + 2] = 1;
        x[20 + 0] = 1;
        assertArrayEquals(x, b.x());
        // targets are the following ids: example 0 -> 1, 2, 3; example 1 -> 3, 0, 1; index t*B + b
        assertArrayEquals(new int[] {1, 3, 2, 0, 3, 1}, b.labels());
        assertArrayEquals(new int[] {3, 3}, b.lengths());
        assertTrue(b.labelsPerStep());
        assertNull(b.y());

        SequenceBatch one = c.batch(new int[] {1});
        assertArrayEquals(new int[] {3, 0, 1}, one.labels());
    }

    @Test
    void tooShortTextIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharCorpus.of(new int[] {0, 1, 2}, 4, 3, 1));
        assertTrue(e.getMessage().contains("expected at least window + 1 = 4 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3"), e.getMessage());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.of(IDS, 3, 3, 1)); // id 3 >= V
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.of(IDS, 4, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.of(IDS, 4, 3, 0));
        CharCorpus c = CharCorpus.of(IDS, 4, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> c.batch(new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> c.batch(new int[0]));
    }

    @Test
    void promptBatchIsOneSequenceOneHot() {
        SequenceBatch b = CharCorpus.promptBatch(new int[] {2, 0}, 3);
        assertEquals(2, b.seqLength());
        assertEquals(1, b.batchSize());
        assertEquals(3, b.inputSize());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, b.x());
        assertArrayEquals(new int[] {2}, b.lengths());
        assertArrayEquals(new int[] {0, 0}, b.labels());
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.promptBatch(new int[0], 3));
        assertThrows(IllegalArgumentException.class, () -> CharCorpus.promptBatch(new int[] {3}, 3));
    }
}

package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gated.engine.config.TbpttConfig;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.text.CharCorpus;
import org.junit.jupiter.api.Test;

/** How truncated BPTT cuts a text into streams and chunks. */
class TbpttBatchesTest {
    /** A text whose character k has id k mod V, so a batch shows where each of its steps came from. */
    static CharCorpus text(int n, int v) {
        int[] ids = new int[n];
        for (int k = 0; k < n; k++) {
            ids[k] = k % v;
        }
        return CharCorpus.of(ids, v, 2, 2);
    }

    /** The id of each step's input, [t][b]. */
    static int[][] inputs(SequenceBatch b) {
        int[][] out = new int[b.seqLength()][b.batchSize()];
        for (int t = 0; t < b.seqLength(); t++) {
            for (int j = 0; j < b.batchSize(); j++) {
                for (int i = 0; i < b.inputSize(); i++) {
                    if (b.x()[(t * b.batchSize() + j) * b.inputSize() + i] == 1) {
                        out[t][j] = i;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void streamsAreContiguousAndChunksContinueThem() {
        // 24 characters: 23 pairs, 3 streams of 7 (the last 2 pairs left out), chunks of 3, 3, 1.
        TbpttBatches c = new TbpttBatches(text(24, 100), 3, new TbpttConfig(3, 2), "training");
        assertEquals(3, c.streams());
        assertEquals(7, c.streamLength());
        assertEquals(3, c.chunks());
        assertArrayEquals(new int[][] {{0, 7, 14}}, inputs(c.advance(0)));
        assertArrayEquals(new int[][] {{1, 8, 15}, {2, 9, 16}}, inputs(c.scored(0)));
        assertArrayEquals(new int[][] {{3, 10, 17}}, inputs(c.advance(1)));
        assertArrayEquals(new int[][] {{4, 11, 18}, {5, 12, 19}}, inputs(c.scored(1)));
        // The short last chunk: one step, scored.
        assertNull(c.advance(2));
        assertArrayEquals(new int[][] {{6, 13, 20}}, inputs(c.scored(2)));
        assertArrayEquals(new int[][] {{3, 10, 17}, {4, 11, 18}, {5, 12, 19}}, inputs(c.whole(1)));
        // Targets are the next characters.
        assertArrayEquals(new int[] {7, 14, 21}, c.scored(2).labels());
        assertThrows(IllegalArgumentException.class, () -> c.scored(3));
    }

    @Test
    void backwardEqualToForwardScoresEveryStep() {
        TbpttBatches c = new TbpttBatches(text(41, 100), 4, new TbpttConfig(5, 5), "training");
        assertEquals(10, c.streamLength());
        assertEquals(2, c.chunks());
        assertNull(c.advance(0));
        assertEquals(5, c.scored(1).seqLength());
        assertArrayEquals(new int[] {5, 15, 25, 35}, inputs(c.scored(1))[0]);
    }

    @Test
    void aShortTextGetsFewerStreams() {
        TbpttBatches c = new TbpttBatches(text(4, 10), 8, new TbpttConfig(4, 2), "validation");
        assertEquals(3, c.streams());
        assertEquals(1, c.streamLength());
        assertEquals(1, c.chunks());
        assertEquals(1, c.scored(0).seqLength());
        // 99 pairs in 11 streams of 9, one step per chunk.
        assertEquals(9, TbpttBatches.chunks(text(100, 10), 11, new TbpttConfig(1, 1)));
    }
}

package dev.gated.engine.data.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.Bucketing;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The layout of a batch of sentence pairs, and an epoch's batches. */
class PairBatchTest {
    private static EncodedPair pair(int line, int[] source, int[] target) {
        return new EncodedPair(line, "s" + line, "t" + line, source, target);
    }

    @Test
    void timeMajorWithBosEosAndPads() {
        // <pad>=0 <unk>=1 <bos>=2 <eos>=3
        EncodedPair a = pair(2, new int[] {10, 11, 12}, new int[] {20, 21});
        EncodedPair b = pair(3, new int[] {13}, new int[] {22, 23, 24, 25});
        PairBatch batch = PairBatch.of(List.of(a, b));
        assertEquals(2, batch.batchSize());
        assertEquals(3, batch.sourceSteps());
        assertEquals(5, batch.targetSteps());
        // [t * B + b]
        assertArrayEquals(new int[] {10, 13, 11, 0, 12, 0}, batch.source());
        assertArrayEquals(new int[] {3, 1}, batch.sourceLengths());
        assertArrayEquals(new int[] {2, 2, 20, 22, 21, 23, 0, 24, 0, 25}, batch.targetInput());
        assertArrayEquals(new int[] {20, 22, 21, 23, 3, 24, 0, 25, 0, 3}, batch.targetOutput());
        assertArrayEquals(new int[] {3, 5}, batch.targetLengths());
        assertEquals(List.of(a, b), batch.pairs());
        assertEquals(8, batch.targetTokens());
    }

    @Test
    void anEmptySourceIsOnePadStepAndAnEmptyTargetIsJustEos() {
        EncodedPair empty = pair(5, new int[0], new int[0]);
        PairBatch one = PairBatch.of(List.of(empty));
        assertEquals(1, one.sourceSteps());
        assertArrayEquals(new int[] {0}, one.source());
        assertArrayEquals(new int[] {1}, one.sourceLengths());
        assertEquals(1, one.targetSteps());
        assertArrayEquals(new int[] {2}, one.targetInput());
        assertArrayEquals(new int[] {3}, one.targetOutput());
        assertArrayEquals(new int[] {1}, one.targetLengths());

        PairBatch mixed = PairBatch.of(List.of(pair(6, new int[] {7, 8}, new int[] {9}), empty));
        assertArrayEquals(new int[] {7, 0, 8, 0}, mixed.source());
        assertArrayEquals(new int[] {2, 1}, mixed.sourceLengths());
        assertArrayEquals(new int[] {2, 2, 9, 0}, mixed.targetInput());
        assertArrayEquals(new int[] {9, 3, 3, 0}, mixed.targetOutput());
        assertArrayEquals(new int[] {2, 1}, mixed.targetLengths());
    }

    @Test
    void badBatchesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PairBatch.of(List.of()));
        EncodedPair p = pair(2, new int[] {5}, new int[] {6});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PairBatch(1, 1, 2,
                new int[] {5}, new int[] {1}, new int[] {2, 6}, new int[] {6}, new int[] {2}, List.of(p)));
        assertTrue(e.getMessage().contains("targetOutput: expected 2 ids [T=2, B=1], got 1"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> new PairBatch(1, 1, 2, new int[] {5}, new int[] {2},
                new int[] {2, 6}, new int[] {6, 3}, new int[] {2}, List.of(p)));
        assertThrows(IllegalArgumentException.class, () -> PairBatches.inOrder(List.of(p), 0));
    }

    @Test
    void pairsAreCopied() {
        int[] source = {4, 5};
        EncodedPair p = pair(2, source, new int[] {6});
        source[0] = 99;
        assertArrayEquals(new int[] {4, 5}, p.source());
        p.source()[1] = 99;
        assertEquals(5, p.sourceId(1));
        assertEquals(pair(2, new int[] {4, 5}, new int[] {6}), p);
        assertNotEquals(pair(2, new int[] {4, 5}, new int[] {7}), p);
    }

    private static List<EncodedPair> pairs(int n) {
        List<EncodedPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] source = new int[i % 7];
            java.util.Arrays.fill(source, 4 + i);
            out.add(pair(i + 2, source, new int[] {4 + i}));
        }
        return out;
    }

    private static List<Integer> lines(List<PairBatch> batches) {
        List<Integer> out = new ArrayList<>();
        for (PairBatch b : batches) {
            b.pairs().forEach(p -> out.add(p.line()));
        }
        return out;
    }

    @Test
    void anEpochIsAFunctionOfSeedAndEpochAndHoldsEveryPairOnce() {
        List<EncodedPair> all = pairs(23);
        for (Bucketing bucketing : new Bucketing[] {null, new Bucketing(3)}) {
            List<PairBatch> e0 = PairBatches.epoch(all, 5, bucketing, 7, 0);
            assertEquals(lines(e0), lines(PairBatches.epoch(all, 5, bucketing, 7, 0)));
            assertNotEquals(lines(e0), lines(PairBatches.epoch(all, 5, bucketing, 7, 1)));
            assertNotEquals(lines(e0), lines(PairBatches.epoch(all, 5, bucketing, 8, 0)));
            for (int epoch = 0; epoch < 3; epoch++) {
                List<PairBatch> batches = PairBatches.epoch(all, 5, bucketing, 7, epoch);
                assertEquals(5, batches.size());
                List<Integer> seen = lines(batches);
                Set<Integer> distinct = new HashSet<>(seen);
                assertEquals(23, seen.size());
                assertEquals(23, distinct.size());
                for (PairBatch b : batches) {
                    assertTrue(b.batchSize() <= 5);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PairBatches.epoch(all, 0, null, 7, 0));
        assertEquals(List.of(), PairBatches.epoch(List.of(), 4, null, 7, 0));
    }

    @Test
    void bucketingGroupsSimilarSourceLengths() {
        List<EncodedPair> all = pairs(70);
        int paddedBucketed = 0;
        int paddedPlain = 0;
        for (PairBatch b : PairBatches.epoch(all, 10, new Bucketing(7), 3, 0)) {
            for (int l : b.sourceLengths()) {
                paddedBucketed += b.sourceSteps() - l;
            }
        }
        for (PairBatch b : PairBatches.epoch(all, 10, null, 3, 0)) {
            for (int l : b.sourceLengths()) {
                paddedPlain += b.sourceSteps() - l;
            }
        }
        assertTrue(paddedBucketed < paddedPlain, paddedBucketed + " vs " + paddedPlain);
    }

    @Test
    void inOrderKeepsTheFileOrder() {
        List<EncodedPair> all = pairs(11);
        List<PairBatch> batches = PairBatches.inOrder(all, 4);
        assertEquals(List.of(4, 4, 3), batches.stream().map(PairBatch::batchSize).toList());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            expected.add(i + 2);
        }
        assertEquals(expected, lines(batches));
    }
}

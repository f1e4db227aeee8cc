package dev.gated.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketingTest {
    /** Skewed lengths: most short, a long tail (like real text or event sequences). */
    private static int[] skewedLengths(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            lengths[i] = 1 + (int) (200 * u * u * u);
        }
        return lengths;
    }

    private static List<int[]> plainBatches(int n, int bs, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < n; from += bs) {
            batches.add(java.util.Arrays.copyOfRange(order, from, Math.min(n, from + bs)));
        }
        return batches;
    }

    @Test
    void paddingDropsOnSkewedLengths() {
        int[] lengths = skewedLengths(1000, 1);
        double plain = Bucketing.paddingFraction(lengths, plainBatches(1000, 32, 2));
        double bucketed = Bucketing.paddingFraction(lengths, new Bucketing(10).epochBatches(lengths, 32, 5, 0));
        assertTrue(plain > 0.5, "random batches of skewed lengths are mostly padding: " + plain);
        assertTrue(bucketed < plain / 3, "bucketed " + bucketed + " vs plain " + plain);
        // More buckets sort finer: one bucket is a plain shuffle, one bucket per example a full sort.
        double oneBucket = Bucketing.paddingFraction(lengths, new Bucketing(1).epochBatches(lengths, 32, 5, 0));
        double sorted = Bucketing.paddingFraction(lengths, new Bucketing(1000).epochBatches(lengths, 32, 5, 0));
        assertTrue(oneBucket > 0.5, "one bucket pads like random batches: " + oneBucket);
        assertTrue(sorted < bucketed, "fully sorted " + sorted + " vs 10 buckets " + bucketed);
    }

    @Test
    void everyExampleIsInExactlyOneBatchPerEpochAndTheBatchCountIsThePlainOne() {
        int[] lengths = skewedLengths(101, 3);
        for (int buckets : new int[] {1, 3, 10, 200}) {
            for (int epoch = 0; epoch < 3; epoch++) {
                List<int[]> batches = new Bucketing(buckets).epochBatches(lengths, 8, 9, epoch);
                assertEquals(13, batches.size(), "ceil(101 / 8)");
                int[] seen = new int[lengths.length];
                for (int[] b : batches) {
                    assertTrue(b.length >= 1 && b.length <= 8);
                    for (int i : b) {
                        seen[i]++;
                    }
                }
                for (int i = 0; i < seen.length; i++) {
                    assertEquals(1, seen[i], "example " + i + ", buckets " + buckets + ", epoch " + epoch);
                }
            }
        }
    }

    @Test
    void batchesAreAFunctionOfSeedAndEpoch() {
        int[] lengths = skewedLengths(300, 4);
        Bucketing b = new Bucketing(5);
        assertArrayEquals(b.epochBatches(lengths, 16, 7, 2).toArray(), b.epochBatches(lengths, 16, 7, 2).toArray());
        assertFalse(java.util.Arrays.deepEquals(b.epochBatches(lengths, 16, 7, 2).toArray(),
                b.epochBatches(lengths, 16, 7, 3).toArray()), "another epoch, another order");
        assertFalse(java.util.Arrays.deepEquals(b.epochBatches(lengths, 16, 7, 2).toArray(),
                b.epochBatches(lengths, 16, 8, 2).toArray()), "another seed, another order");
    }

    @Test
    void paddingFractionByHand() {
        int[] lengths = {2, 4, 4, 1};
        // batch {0, 1}: max 4, pad 2 of 8; batch {2, 3}: max 4, pad 3 of 8.
        assertEquals(5.0 / 16, Bucketing.paddingFraction(lengths, List.of(new int[] {0, 1}, new int[] {2, 3})));
        assertThrows(IllegalArgumentException.class, () -> new Bucketing(0));
    }
}

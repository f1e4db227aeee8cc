package dev.gated.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Length bucketing of training batches ({@code training.bucketing}), the idea of torchtext's BucketIterator: each
 * epoch the examples are shuffled, grouped into {@code buckets} buckets of similar length (equal-count quantiles of
 * the length, ties in shuffled order), cut into batches in bucket order, and the batches are shuffled. A batch then
 * holds sequences of similar length, so little of it is padding. The batch count is the plain one,
 * ceil(n / batch size) (only the batches that straddle two buckets mix them), and every example is in exactly one
 * batch per epoch. Everything is a function of (seed, epoch), so a resumed run replays the same batches.
 *
 * <p>More buckets sort finer and pad less, but make the batches' contents more predictable: 1 bucket is a plain
 * shuffle; as many buckets as examples is a full sort by length (only the batch order stays random).
 *
 * @param buckets number of length buckets, &ge; 1
 */
public record Bucketing(int buckets) {
    public static final int DEFAULT_BUCKETS = 10;

    public Bucketing {
        if (buckets < 1) {
            throw new IllegalArgumentException("bucketing.buckets: expected an integer >= 1, got " + buckets);
        }
    }

    /** The batches of epoch {@code epoch} (0-based) as lists of example indices. */
    public List<int[]> epochBatches(int[] lengths, int batchSize, long seed, int epoch) {
        int n = lengths.length;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected >= 1, got " + batchSize);
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch ^ 0xB0C4E7L);
        int[] shuffled = Permutations.random(n, rnd);
        // Stable sort of the shuffled order by length: equal lengths keep a random order.
        Integer[] byLength = new Integer[n];
        for (int i = 0; i < n; i++) {
            byLength[i] = shuffled[i];
        }
        Arrays.sort(byLength, (a, b) -> Integer.compare(lengths[a], lengths[b]));
        // Equal-count buckets of the sorted order, each shuffled within.
        int[] order = new int[n];
        for (int k = 0; k < buckets; k++) {
            int from = (int) ((long) n * k / buckets);
            int to = (int) ((long) n * (k + 1) / buckets);
            int[] within = Permutations.random(to - from, rnd);
            for (int i = 0; i < within.length; i++) {
                order[from + i] = byLength[from + within[i]];
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            batches.add(Arrays.copyOfRange(order, from, Math.min(n, from + batchSize)));
        }
        int[] batchOrder = Permutations.random(batches.size(), rnd);
        List<int[]> shuffledBatches = new ArrayList<>(batches.size());
        for (int i : batchOrder) {
            shuffledBatches.add(batches.get(i));
        }
        return shuffledBatches;
    }

    /** Fraction of padded steps, sum(max length - length) / sum(max length), over the given batches. */
    public static double paddingFraction(int[] lengths, List<int[]> batches) {
        long padded = 0;
        long total = 0;
        for (int[] batch : batches) {
            int max = 0;
            for (int i : batch) {
                max = Math.max(max, lengths[i]);
            }
            for (int i : batch) {
                padded += max - lengths[i];
            }
            total += (long) max * batch.length;
        }
        return total == 0 ? 0 : (double) padded / total;
    }
}

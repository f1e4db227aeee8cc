package dev.gated.engine.data.parallel;

import dev.gated.engine.data.Bucketing;
import dev.gated.engine.data.Permutations;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The batches a translation job trains and evaluates on. */
public final class PairBatches {
    private PairBatches() {
    }

    /**
     * The batches of epoch {@code epoch} (0-based): with {@code bucketing}, {@link Bucketing#epochBatches} over the
     * source lengths (an empty source counts as 1, its one {@code <pad>} step); without, consecutive runs of
     * {@code batchSize} pairs of a seeded shuffle (the training loop's epoch order, the last batch smaller). Every
     * pair is in exactly one batch, and the result is a function of (seed, epoch) only, so a resumed run replays
     * the same batches.
     *
     * @param bucketing null: no bucketing
     */
    public static List<PairBatch> epoch(List<EncodedPair> pairs, int batchSize, Bucketing bucketing, long seed,
                                        int epoch) {
        checkBatchSize(batchSize);
        int n = pairs.size();
        List<PairBatch> out = new ArrayList<>();
        if (bucketing != null) {
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                lengths[i] = Math.max(1, pairs.get(i).sourceLength());
            }
            for (int[] batch : bucketing.epochBatches(lengths, batchSize, seed, epoch)) {
                out.add(batch(pairs, batch, 0, batch.length));
            }
            return out;
        }
        // As Shuffle.epochOrder, the order of the other tasks' training loop.
        int[] order = Permutations.random(n, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch));
        for (int from = 0; from < n; from += batchSize) {
            out.add(batch(pairs, order, from, Math.min(n, from + batchSize)));
        }
        return out;
    }

    /** Consecutive runs of {@code batchSize} pairs in their order, unshuffled (validation, test). */
    public static List<PairBatch> inOrder(List<EncodedPair> pairs, int batchSize) {
        checkBatchSize(batchSize);
        List<PairBatch> out = new ArrayList<>();
        for (int from = 0; from < pairs.size(); from += batchSize) {
            out.add(PairBatch.of(pairs.subList(from, Math.min(pairs.size(), from + batchSize))));
        }
        return out;
    }

    private static PairBatch batch(List<EncodedPair> pairs, int[] indices, int from, int to) {
        List<EncodedPair> chosen = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
            chosen.add(pairs.get(indices[k]));
        }
        return PairBatch.of(chosen);
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected >= 1, got " + batchSize);
        }
    }
}

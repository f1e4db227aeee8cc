package dev.gated.engine.train;

import java.util.SplittableRandom;

/** Seeded permutations: the epoch order of the training loop and the split of independent examples. */
final class Shuffle {
    private Shuffle() {
    }

    /** A uniformly random permutation of [0, n) (Fisher-Yates). */
    static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * The order of epoch {@code epoch} (0-based): a function of the seed and the epoch only, so a resumed run
     * replays exactly the order of an uninterrupted one without saving generator state.
     */
    static int[] epochOrder(int n, long seed, int epoch, boolean shuffle) {
        if (!shuffle) {
            return identity(n);
        }
        return permutation(n, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch));
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}

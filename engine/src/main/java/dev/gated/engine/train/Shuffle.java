package dev.gated.engine.train;

import dev.gated.engine.data.Permutations;
import java.util.SplittableRandom;

/** The epoch order of the training loop: seeded, so a resumed run replays it. */
final class Shuffle {
    private Shuffle() {
    }

    /**
     * The order of epoch {@code epoch} (0-based): a function of the seed and the epoch only, so a resumed run
     * replays exactly the order of an uninterrupted one without saving generator state.
     */
    static int[] epochOrder(int n, long seed, int epoch, boolean shuffle) {
        if (!shuffle) {
            return identity(n);
        }
        return Permutations.random(n, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch));
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}

package dev.gated.engine.data;

import java.util.SplittableRandom;

/** Seeded random orders, shared by the training loop's epoch order, the data split and length bucketing. */
public final class Permutations {
    private Permutations() {
    }

    /**
     * A uniformly random permutation of [0, n) (Fisher-Yates), a function of {@code rnd}'s state only: resumed runs
     * rely on drawing exactly the same order again.
     */
    public static int[] random(int n, SplittableRandom rnd) {
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
}

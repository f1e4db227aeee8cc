package dev.gated.engine.backend;

/**
 * A counter-based random number generator: the value at (seed, counter) is a pure function of both, so
 * any backend, any thread layout and a resumed run draw exactly the same numbers. The mixing function is
 * SplitMix64's finaliser, which CUDA kernels reproduce with 64-bit integer arithmetic.
 */
public final class CounterRng {
    private CounterRng() {
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits, so float32 and float64 comparisons agree exactly. */
    public static float uniform(long seed, long counter) {
        long bits = mix(seed ^ mix(counter + 0x9E3779B97F4A7C15L));
        return (bits >>> 40) * 0x1.0p-24f;
    }

    /** Dropout keeps element {@code counter} iff its uniform draw is >= p. */
    public static boolean keep(long seed, long counter, double p) {
        return uniform(seed, counter) >= p;
    }
}

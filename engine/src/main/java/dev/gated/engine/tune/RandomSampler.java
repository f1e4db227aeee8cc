package dev.gated.engine.tune;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Independent uniform draws through each parameter's inverse distribution function. Trial {@code n}'s values are a
 * function of (seed, n, parameter index) only, never of the history or of which worker asks, so parallel workers
 * and a resumed study propose exactly the trials a single uninterrupted worker would. Every parameter gets its
 * draw whether it is active or not, so that a conditional parameter does not shift the values of those after it.
 */
public final class RandomSampler implements Sampler {
    private final SearchSpace space;
    private final long seed;

    public RandomSampler(SearchSpace space, long seed) {
        this.space = space;
        this.seed = seed;
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialView> history) {
        double[] u = units(number);
        return space.assign((i, p) -> p.fromUnit(u[i]));
    }

    /** Trial {@code number}'s uniform draws, one per parameter in space order. */
    double[] units(int number) {
        SplittableRandom rng = new SplittableRandom(mix(seed, number));
        double[] u = new double[space.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextDouble();
        }
        return u;
    }

    /**
     * A well-spread 64-bit seed for stream {@code n} of {@code seed}: the SplitMix64 finaliser applied twice, so
     * that nearby seeds and nearby trial numbers give unrelated streams.
     */
    static long mix(long seed, long n) {
        return fmix(fmix(seed) + n * 0x9E3779B97F4A7C15L);
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.gated.engine.tune;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * Quasi-random search: trial {@code n} takes point {@code n} of a Sobol sequence with one dimension per parameter,
 * which covers the unit cube far more evenly than independent draws do for the same number of trials (no clumps,
 * no holes), so a small budget explores the space better. The point is a function of {@code n} only, so parallel
 * workers agree. A Cranley–Patterson rotation (every coordinate shifted by a seed-drawn offset, modulo 1) keeps the
 * low discrepancy while giving each seed its own design, and moves point 0 off the all-zeros corner.
 */
public final class SobolSampler implements Sampler {
    private static final long SHIFT_SALT = 0x5EED_50B0_15A1_7E5L;

    private final SearchSpace space;
    private final double[] shift;
    private final SobolSequenceGenerator sobol; // stateful: guarded by this

    public SobolSampler(SearchSpace space, long seed) {
        if (space.size() < 1 || space.size() > 1000) {
            throw new IllegalArgumentException("sobol sampler: expected 1 to 1000 parameters, got " + space.size());
        }
        this.space = space;
        this.sobol = new SobolSequenceGenerator(space.size());
        SplittableRandom rng = new SplittableRandom(RandomSampler.mix(seed ^ SHIFT_SALT, 0));
        this.shift = new double[space.size()];
        for (int d = 0; d < shift.length; d++) {
            shift[d] = rng.nextDouble();
        }
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialView> history) {
        double[] u = units(number);
        return space.assign((i, p) -> p.fromUnit(u[i]));
    }

    /** Point {@code number} of the shifted sequence, every coordinate in [0, 1). */
    double[] units(int number) {
        if (number < 0) {
            throw new IllegalArgumentException("trial number " + number);
        }
        double[] x;
        synchronized (this) {
            x = sobol.skipTo(number);
        }
        for (int d = 0; d < x.length; d++) {
            double v = x[d] + shift[d];
            v -= Math.floor(v);
            x[d] = v < 1.0 ? v : 0.0; // 0.99999... + shift may round to exactly 1
        }
        return x;
    }
}

package dev.gated.engine.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exhaustive search: every combination of every parameter's values, once. Grid search is only meaningful over
 * finite sets, so a continuous ({@code uniform}) parameter is refused. A conditional parameter is only varied in
 * the combinations where its condition holds, so no two trials differ only in an inactive value. The order is
 * fixed (space order, first parameter slowest, each parameter's values in their own order) and trial {@code n}
 * is combination {@code n}, so parallel workers share out the grid without talking to each other.
 *
 * <p>Nothing is materialised: combinations are counted and unranked by walking the tree of assignments, which
 * costs at most the grid size per trial and keeps memory flat however large the grid.
 */
public final class GridSampler implements Sampler {
    /** Larger grids are almost certainly a mistake in the study file (and would run for ever). */
    public static final long MAX_COMBINATIONS = 1_000_000;

    private final List<Param> params;
    private final long size;

    public GridSampler(SearchSpace space) {
        if (space.size() < 1) {
            throw new IllegalArgumentException("grid search needs at least one parameter");
        }
        for (Param p : space.params()) {
            if (p instanceof Param.Uniform) {
                throw new IllegalArgumentException("grid search needs a finite set of values: give " + p.key()
                        + " as choice or int");
            }
        }
        this.params = space.params();
        this.size = count(0, new LinkedHashMap<>());
        if (size > MAX_COMBINATIONS) {
            throw new IllegalArgumentException("grid search: the grid has more than " + MAX_COMBINATIONS
                    + " combinations; give fewer values, or use sampler random, sobol or tpe");
        }
    }

    @Override
    public long capacity() {
        return size;
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialView> history) {
        if (number < 0 || number >= size) {
            throw new IllegalStateException("grid search: trial " + number + " is past the grid's " + size
                    + " combinations");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        long rest = number;
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (!active(p, out)) {
                continue;
            }
            // Skip whole subtrees until the one holding combination `rest`.
            for (long j = 0, n = values(p); ; j++) {
                out.put(p.key(), value(p, j));
                long c = count(i + 1, out);
                if (rest < c || j == n - 1) {
                    break;
                }
                rest -= c;
            }
        }
        return out;
    }

    /** Combinations of params[i..] given {@code assigned}; stops early once past the cap. */
    private long count(int i, Map<String, Object> assigned) {
        if (i == params.size()) {
            return 1;
        }
        Param p = params.get(i);
        if (!active(p, assigned)) {
            return count(i + 1, assigned);
        }
        long n = values(p);
        if (n > MAX_COMBINATIONS) {
            return n;
        }
        long total = 0;
        for (long j = 0; j < n && total <= MAX_COMBINATIONS; j++) {
            assigned.put(p.key(), value(p, j));
            total += count(i + 1, assigned);
        }
        assigned.remove(p.key());
        return total;
    }

    private static boolean active(Param p, Map<String, Object> assigned) {
        return p.when().isEmpty() || p.when().get().holds(assigned);
    }

    private static long values(Param p) {
        if (p instanceof Param.Choice c) {
            return c.values().size();
        }
        return ((Param.IntRange) p).count(); // uniform is refused in the constructor; log ints have step 1
    }

    private static Object value(Param p, long j) {
        if (p instanceof Param.Choice c) {
            return c.values().get((int) j);
        }
        Param.IntRange r = (Param.IntRange) p;
        return r.low() + r.step() * j;
    }
}

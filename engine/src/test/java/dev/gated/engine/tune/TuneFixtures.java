package dev.gated.engine.tune;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Short constructors for search spaces and trial views in the sampler tests. */
final class TuneFixtures {
    private TuneFixtures() {
    }

    static Param uniform(String key, double low, double high) {
        return new Param.Uniform(key, low, high, false, Optional.empty());
    }

    static Param logUniform(String key, double low, double high) {
        return new Param.Uniform(key, low, high, true, Optional.empty());
    }

    static Param ints(String key, long low, long high, long step) {
        return new Param.IntRange(key, low, high, step, false, Optional.empty());
    }

    static Param logInts(String key, long low, long high) {
        return new Param.IntRange(key, low, high, 1, true, Optional.empty());
    }

    static Param choice(String key, Object... values) {
        return new Param.Choice(key, List.of(values), Optional.empty());
    }

    /** {@code param} that applies only when {@code key op value}. */
    static Param when(Param param, String key, Condition.Op op, Object value) {
        Optional<Condition> c = Optional.of(new Condition(key, op, value));
        if (param instanceof Param.Uniform u) {
            return new Param.Uniform(u.key(), u.low(), u.high(), u.log(), c);
        }
        if (param instanceof Param.IntRange r) {
            return new Param.IntRange(r.key(), r.low(), r.high(), r.step(), r.log(), c);
        }
        Param.Choice ch = (Param.Choice) param;
        return new Param.Choice(ch.key(), ch.values(), c);
    }

    static SearchSpace space(Param... params) {
        return new SearchSpace(List.of(params));
    }

    static TrialView complete(int number, Map<String, Object> params, double value) {
        return new TrialView(number, params, TrialState.COMPLETE, value, new TreeMap<>(), 1.0);
    }

    static TrialView pruned(int number, Map<String, Object> params, Map<Integer, Double> intermediate) {
        return new TrialView(number, params, TrialState.PRUNED, Double.NaN, new TreeMap<>(intermediate), 1.0);
    }

    static TrialView other(int number, Map<String, Object> params, TrialState state) {
        return new TrialView(number, params, state, Double.NaN, new TreeMap<>(), 1.0);
    }
}

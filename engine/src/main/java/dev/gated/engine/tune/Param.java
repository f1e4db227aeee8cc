package dev.gated.engine.tune;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One dimension of a search space: a job key, written as for {@code --set} ({@code training.learning_rate}), and
 * the values it may take. A parameter with a condition is only set when the condition holds on the parameters
 * before it; otherwise the trial keeps the base job's value. Values are {@code Long}, {@code Double},
 * {@code String} or {@code Boolean}.
 */
public sealed interface Param permits Param.Choice, Param.Uniform, Param.IntRange {
    /** The job key, e.g. {@code model.hidden}. */
    String key();

    /** When the parameter applies; empty: always. */
    Optional<Condition> when();

    /**
     * The value at {@code u} in [0, 1): the inverse of the parameter's distribution function, so that a uniform
     * {@code u} gives the parameter's own distribution (uniform, log-uniform, every integer step or choice with
     * equal probability).
     */
    Object fromUnit(double u);

    /** {@code choice: [a, b, c]}: one of the values, each equally likely. */
    record Choice(String key, List<Object> values, Optional<Condition> when) implements Param {
        public Choice {
            Objects.requireNonNull(key, "key");
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException(key + ": a choice needs at least one value");
            }
            Objects.requireNonNull(when, "when");
        }

        @Override
        public Object fromUnit(double u) {
            return values.get(index(u, values.size()));
        }
    }

    /** {@code uniform: [low, high]} or, with {@code log}, {@code loguniform: [low, high]} (low &gt; 0). */
    record Uniform(String key, double low, double high, boolean log, Optional<Condition> when) implements Param {
        public Uniform {
            Objects.requireNonNull(key, "key");
            if (!(low < high) || log && !(low > 0)) {
                throw new IllegalArgumentException(key + ": expected low < high" + (log ? " and low > 0" : "")
                        + ", got [" + low + ", " + high + "]");
            }
            Objects.requireNonNull(when, "when");
        }

        @Override
        public Object fromUnit(double u) {
            double x = log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
            return Math.min(high, Math.max(low, x)); // exp(log(x)) may land an ulp outside
        }
    }

    /**
     * {@code int: [low, high]} with {@code step} (every value {@code low + k * step} up to {@code high}, each
     * equally likely) or, with {@code log}, log-uniform over [low - 0.5, high + 0.5] rounded (step 1, low &ge; 1).
     */
    record IntRange(String key, long low, long high, long step, boolean log, Optional<Condition> when)
            implements Param {
        public IntRange {
            Objects.requireNonNull(key, "key");
            if (low > high || step < 1 || log && (low < 1 || step != 1)) {
                throw new IllegalArgumentException(key + ": expected low <= high, step >= 1"
                        + (log ? ", low >= 1 and step 1 on a log scale" : "") + ", got [" + low + ", " + high
                        + "] step " + step);
            }
            Objects.requireNonNull(when, "when");
        }

        /** How many values: {@code (high - low) / step + 1}. */
        public long count() {
            return (high - low) / step + 1;
        }

        @Override
        public Object fromUnit(double u) {
            if (log) {
                double lo = Math.log(low - 0.5);
                double hi = Math.log(high + 0.5);
                long v = Math.round(Math.exp(lo + u * (hi - lo)));
                return Math.min(high, Math.max(low, v));
            }
            return low + step * index(u, count());
        }
    }

    /** floor(u * n) kept inside [0, n). */
    private static int index(double u, long n) {
        return (int) Math.min(n - 1, Math.max(0, (long) Math.floor(u * n)));
    }
}

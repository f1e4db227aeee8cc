package dev.gated.engine.tune;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code when: "model.layers > 1"}: a parameter applies only when an earlier parameter of the space compares so.
 * Numbers compare as numbers (2 == 2.0); strings and booleans by equality; {@code in} takes a list.
 */
public record Condition(String key, Op op, Object value) {
    public enum Op {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), IN("in");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public Condition {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        if (op == Op.IN && !(value instanceof List<?>)) {
            throw new IllegalArgumentException("'in' needs a list, got " + value);
        }
    }

    /** Whether it holds on {@code assigned} (the values set so far); false when {@code key} is not set. */
    public boolean holds(Map<String, Object> assigned) {
        Object v = assigned.get(key);
        if (v == null) {
            return false;
        }
        return switch (op) {
            case EQ -> same(v, value);
            case NE -> !same(v, value);
            case IN -> ((List<?>) value).stream().anyMatch(x -> same(v, x));
            case LT, LE, GT, GE -> {
                if (!(v instanceof Number a) || !(value instanceof Number b)) {
                    yield false;
                }
                int c = Double.compare(a.doubleValue(), b.doubleValue());
                yield switch (op) {
                    case LT -> c < 0;
                    case LE -> c <= 0;
                    case GT -> c > 0;
                    default -> c >= 0;
                };
            }
        };
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a.equals(b);
    }

    @Override
    public String toString() {
        return key + " " + op.symbol() + " " + value;
    }
}

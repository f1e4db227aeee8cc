package dev.gated.engine.backend;

/**
 * Argument checks shared by every backend, so a wrong call fails the same way everywhere: the message
 * names the argument and gives the expected and the actual value.
 */
public final class Checks {
    private Checks() {
    }

    public static Tensor present(String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(name + ": required tensor is missing (null)");
        }
        return t;
    }

    public static void shape(String name, Tensor t, Shape expected) {
        present(name, t);
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(name + ": expected shape " + expected + ", got " + t.shape());
        }
    }

    public static void dtype(String name, Tensor t, DType expected) {
        present(name, t);
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(name + ": expected dtype " + expected + ", got " + t.dtype());
        }
    }

    public static void sameShape(String name, Tensor t, String refName, Tensor ref) {
        present(name, t);
        if (!t.shape().equals(ref.shape())) {
            throw new IllegalArgumentException(name + ": expected the shape of " + refName + " " + ref.shape()
                    + ", got " + t.shape());
        }
        dtype(name, t, ref.dtype());
    }

    public static void rank(String name, Tensor t, int rank) {
        present(name, t);
        if (t.shape().rank() != rank) {
            throw new IllegalArgumentException(name + ": expected a rank-" + rank + " tensor, got shape " + t.shape());
        }
    }

    public static void numel(String name, int actual, int expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(name + ": expected " + expected + " elements, got " + actual);
        }
    }

    public static void owned(String name, Tensor t, Backend backend) {
        present(name, t);
        if (t.backend() != backend) {
            throw new IllegalArgumentException(name + ": tensor belongs to backend '" + t.backend().name()
                    + "', not '" + backend.name() + "'");
        }
    }

    public static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + ": expected a finite value >= 0, got " + v);
        }
    }

    public static void positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + ": expected > 0, got " + v);
        }
    }

    /** lo <= v < hi. */
    public static void inRange(String name, double v, double lo, double hi) {
        if (!(v >= lo && v < hi)) {
            throw new IllegalArgumentException(name + ": expected a value in [" + lo + ", " + hi + "), got " + v);
        }
    }
}

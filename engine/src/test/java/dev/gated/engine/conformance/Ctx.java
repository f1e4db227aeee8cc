package dev.gated.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a conformance case runs with: the backend, the dtype under test, its tolerances, a seeded random
 * source, and small helpers to move data and compare results with clear failure messages.
 */
public final class Ctx {
    public final Backend be;
    public final DType dt;
    public final Tolerances tol;
    private final SplittableRandom random;
    private final List<AutoCloseable> made = new ArrayList<>();

    Ctx(Backend be, DType dt, Tolerances tol, long seed) {
        this.be = be;
        this.dt = dt;
        this.tol = tol;
        this.random = new SplittableRandom(seed);
    }

    /** The dtype that is not under test, for wrong-dtype cases. */
    public DType otherDType() {
        return dt == DType.FLOAT64 ? DType.FLOAT32 : DType.FLOAT64;
    }

    // ---- data ----

    /** Uniform in [lo, hi), rounded to float32 so that the same inputs are exact in both dtypes. */
    public double[] rand(int n, double lo, double hi) {
        return rand(random, n, lo, hi);
    }

    static double[] rand(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    /** Uniform magnitudes in [lo, hi) with random signs. */
    public double[] randSigned(int n, double lo, double hi) {
        double[] v = rand(n, lo, hi);
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Remembers a tensor (plan, workspace) so it is closed when the case ends: device memory on a GPU backend. */
    public <T extends AutoCloseable> T keep(T t) {
        made.add(t);
        return t;
    }

    /** Closes everything the case made through this context, newest first. */
    void closeAll() {
        for (int i = made.size() - 1; i >= 0; i--) {
            try {
                made.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + made.get(i) + " failed", e);
            }
        }
        made.clear();
    }

    public Tensor up(double[] v, int... dims) {
        return keep(be.upload(v, Shape.of(dims), dt));
    }

    public Tensor up(DType dtype, double[] v, int... dims) {
        return keep(be.upload(v, Shape.of(dims), dtype));
    }

    public Tensor zeros(int... dims) {
        return keep(be.allocate(dt, Shape.of(dims)));
    }

    public Tensor zeros(DType dtype, int... dims) {
        return keep(be.allocate(dtype, Shape.of(dims)));
    }

    /** A tensor full of NaN: an output that must be overwritten completely. */
    public Tensor nans(int... dims) {
        Tensor t = zeros(dims);
        be.fill(t, Double.NaN);
        return t;
    }

    public double[] down(Tensor t) {
        return be.download(t);
    }

    /** The value as the dtype under test stores it. */
    public double inDType(double v) {
        return dt == DType.FLOAT32 ? (double) (float) v : v;
    }

    public double[] inDType(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = inDType(out[i]);
        }
        return out;
    }

    public static double[] fill(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    // ---- comparisons ----

    /** Bit-for-bit equality (NaN equals NaN). */
    public static void assertExact(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": element count");
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                fail(what + ": element " + i + " expected " + expected[i] + " (exactly), got " + actual[i]
                        + worstContext(expected, actual));
            }
        }
    }

    /** Per element |actual - expected| <= t.rtol * |expected| + t.atol. */
    public static void assertClose(String what, double[] expected, double[] actual, Tolerances.Tol t) {
        assertClose(what, expected, actual, abs(expected), t);
    }

    /** Per element |actual - expected| <= t.rtol * scale[i] + t.atol. */
    public static void assertClose(String what, double[] expected, double[] actual, double[] scale,
                                   Tolerances.Tol t) {
        assertEquals(expected.length, actual.length, what + ": element count");
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            double bound = t.rtol() * scale[i] + t.atol();
            double ratio = Double.isNaN(diff) ? Double.POSITIVE_INFINITY
                    : diff == 0 ? 0 : diff / bound;
            if (expected[i] == actual[i]) {
                ratio = 0; // infinities of the same sign
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worstRatio > 1) {
            fail(what + ": element " + worst + " expected " + expected[worst] + ", got " + actual[worst]
                    + " (|diff| " + Math.abs(actual[worst] - expected[worst]) + " > " + t.rtol() + " * "
                    + scale[worst] + " + " + t.atol() + ")");
        }
    }

    public static void assertClose(String what, double expected, double actual, double scale, Tolerances.Tol t) {
        assertClose(what, new double[] {expected}, new double[] {actual}, new double[] {scale}, t);
    }

    /** {@link FiniteDifferences#relativeError} <= tolerance. */
    public static void assertGradient(String what, double[] fd, double[] actual, double tolerance) {
        assertEquals(fd.length, actual.length, what + ": element count");
        double err = FiniteDifferences.relativeError(actual, fd);
        if (!(err <= tolerance)) {
            fail(what + ": relative error " + err + " > " + tolerance + worstContext(fd, actual));
        }
    }

    /** max|actual - expected| / max(1, max|expected|) <= tolerance. */
    public static void assertMaxNorm(String what, double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double err = maxNormError(expected, actual);
        if (!(err <= tolerance)) {
            fail(what + ": max-norm error " + err + " > " + tolerance + worstContext(expected, actual));
        }
    }

    static double maxNormError(double[] expected, double[] actual) {
        return FiniteDifferences.maxAbsDiff(actual, expected) / Math.max(1, FiniteDifferences.maxAbs(expected));
    }

    /** " (worst at element i: expected e, got a)". */
    static String worstContext(double[] expected, double[] actual) {
        int worst = 0;
        double w = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            if (d > w) {
                w = d;
                worst = i;
            }
        }
        return expected.length == 0 ? "" : " (worst at element " + worst + ": expected " + expected[worst]
                + ", got " + actual[worst] + ")";
    }

    static double[] abs(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        return out;
    }
}

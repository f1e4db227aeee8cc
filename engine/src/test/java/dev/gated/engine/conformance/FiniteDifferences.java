package dev.gated.engine.conformance;

import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;

/**
 * Central finite differences in float64, the ground truth for every gradient in the suite.
 *
 * <p>The stencil is the fourth-order central difference
 * {@code f'(v) ≈ (f(v-2h) - 8 f(v-h) + 8 f(v+h) - f(v+2h)) / (12 h)} with {@code h = 1e-4}: its truncation
 * error is about h^4/30 * f^(5) (~1e-17 for these smooth losses) and its rounding error about
 * 1.5 * 2^-53 * |f| / h (~1e-12 * |f|), so the ground truth is good to ~1e-11 — five orders of magnitude below
 * the 1e-6 the suite asks of a float64 backend. (The two-point stencil with h ~ 1e-6 is only good to ~1e-9;
 * it would pass too, with less margin.)
 */
public final class FiniteDifferences {
    public static final double STEP = 1e-4;

    private FiniteDifferences() {
    }

    /** d loss / d v[i] for every i, perturbing {@code v} in place (restored afterwards). */
    public static double[] gradient(double[] v, DoubleSupplier loss) {
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double old = v[i];
            v[i] = old + 2 * STEP;
            double p2 = loss.getAsDouble();
            v[i] = old + STEP;
            double p1 = loss.getAsDouble();
            v[i] = old - STEP;
            double m1 = loss.getAsDouble();
            v[i] = old - 2 * STEP;
            double m2 = loss.getAsDouble();
            v[i] = old;
            g[i] = (m2 - 8 * m1 + 8 * p1 - p2) / (12 * STEP);
        }
        return g;
    }

    /** f'(v) of a scalar function. */
    public static double derivative(DoubleUnaryOperator f, double v) {
        return (f.applyAsDouble(v - 2 * STEP) - 8 * f.applyAsDouble(v - STEP) + 8 * f.applyAsDouble(v + STEP)
                - f.applyAsDouble(v + 2 * STEP)) / (12 * STEP);
    }

    /**
     * The suite's gradient error metric, per tensor: max_i |g_i - fd_i| / max(max_i |fd_i|, FLOOR). It is a
     * relative error in the max norm, scaled by the tensor's largest true entry (not entry by entry, which
     * would blow up on entries that are zero up to rounding); FLOOR = 1e-3 keeps a tensor whose true gradient
     * is (nearly) zero from dividing by ~0, which is sound because every case's gradients are O(0.1..10).
     */
    public static double relativeError(double[] actual, double[] expected) {
        return maxAbsDiff(actual, expected) / Math.max(maxAbs(expected), FLOOR);
    }

    public static final double FLOOR = 1e-3;

    static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            m = Math.max(m, d);
        }
        return m;
    }
}

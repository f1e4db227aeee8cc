package dev.gated.engine.tune;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * The density TPE fits to one numeric parameter's observations: a weighted mixture of Gaussians truncated to
 * [lo, hi], one at each observation plus a broad prior component, as in Optuna's univariate
 * {@code _ParzenEstimator} ({@code consider_prior}, {@code prior_weight = 1}, {@code consider_endpoints = False},
 * {@code consider_magic_clip}). Each observation's bandwidth is the larger distance to its neighbours, so the
 * estimator is sharp where observations crowd and broad where they are sparse; the clip keeps it from collapsing
 * onto a single point. Coordinates are the sampler's internal ones (log scale for log parameters).
 */
final class ParzenEstimator {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double lo;
    private final double hi;
    private final double[] mus;
    private final double[] sigmas;
    private final double[] logWeights;
    private final double[] cumWeights;
    private final double[] cdfLo; // Φ((lo - mu) / sigma)
    private final double[] cdfHi; // Φ((hi - mu) / sigma)
    private final double[] logZ;  // log of each component's mass inside [lo, hi]

    /**
     * @param obs     the observations, inside [lo, hi]
     * @param weights their weights (any positive scale), same order
     */
    ParzenEstimator(double[] obs, double[] weights, double lo, double hi, double priorWeight) {
        this.lo = lo;
        this.hi = hi;
        int n = obs.length;
        mus = Arrays.copyOf(obs, n + 1);
        mus[n] = 0.5 * (lo + hi);
        sigmas = Arrays.copyOf(bandwidths(obs, lo, hi), n + 1);
        sigmas[n] = hi - lo;
        double[] w = Arrays.copyOf(weights, n + 1);
        w[n] = priorWeight;
        double sum = Arrays.stream(w).sum();
        logWeights = new double[n + 1];
        cumWeights = new double[n + 1];
        cdfLo = new double[n + 1];
        cdfHi = new double[n + 1];
        logZ = new double[n + 1];
        double acc = 0;
        for (int k = 0; k <= n; k++) {
            logWeights[k] = Math.log(w[k] / sum);
            cumWeights[k] = acc += w[k] / sum;
            double a = (lo - mus[k]) / sigmas[k];
            double b = (hi - mus[k]) / sigmas[k];
            cdfLo[k] = phi(a);
            cdfHi[k] = phi(b);
            logZ[k] = Math.log(mass(a, b));
        }
    }

    /**
     * Optuna's {@code _calculate_numerical_params} bandwidths: with the prior's centre among the points and lo, hi
     * as end points, each point's sigma is the larger gap to a neighbour, except that the outermost points use
     * their inner gap (no end points considered); then clipped to [(hi - lo) / min(100, 1 + components), hi - lo].
     */
    static double[] bandwidths(double[] obs, double lo, double hi) {
        int n = obs.length;
        int m = n + 1;
        double[] withPrior = Arrays.copyOf(obs, m);
        withPrior[n] = 0.5 * (lo + hi);
        Integer[] order = new Integer[m];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (i, j) -> Double.compare(withPrior[i], withPrior[j])); // stable
        double[] s = new double[m + 2]; // sorted points with the end points around them
        s[0] = lo;
        s[m + 1] = hi;
        for (int i = 0; i < m; i++) {
            s[i + 1] = withPrior[order[i]];
        }
        double[] sorted = new double[m];
        for (int i = 0; i < m; i++) {
            sorted[i] = Math.max(s[i + 1] - s[i], s[i + 2] - s[i + 1]);
        }
        if (m + 2 >= 4) {
            sorted[0] = s[2] - s[1];
            sorted[m - 1] = s[m] - s[m - 1];
        }
        double range = hi - lo;
        double min = range / Math.min(100.0, 1.0 + m);
        double[] out = new double[n];
        for (int i = 0; i < m; i++) {
            if (order[i] < n) {
                out[order[i]] = Math.min(range, Math.max(min, sorted[i]));
            }
        }
        return out;
    }

    /** Optuna's {@code default_weights}: all 1 up to 25 points, else the older ones ramped up from 1/n. */
    static double[] defaultWeights(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        int ramp = n - 25;
        for (int i = 0; i < ramp; i++) { // np.linspace(1 / n, 1, ramp)
            w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + i * (1.0 - 1.0 / n) / (ramp - 1);
        }
        return w;
    }

    double[] sigmas() {
        return sigmas.clone();
    }

    /** A draw: a component by weight, then its truncated Gaussian by inverse transform. */
    double sample(SplittableRandom rng) {
        double r = rng.nextDouble();
        int k = 0;
        while (k < cumWeights.length - 1 && r >= cumWeights[k]) {
            k++;
        }
        double p = cdfLo[k] + rng.nextDouble() * (cdfHi[k] - cdfLo[k]);
        double x = mus[k] + sigmas[k] * SQRT2 * Erf.erfInv(2 * p - 1);
        return Math.min(hi, Math.max(lo, x)); // also catches ±infinity at p = 0 or 1
    }

    /** log of the mixture's density at {@code x}. */
    double logPdf(double x) {
        if (x < lo || x > hi) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] t = new double[mus.length];
        for (int k = 0; k < t.length; k++) {
            double z = (x - mus[k]) / sigmas[k];
            t[k] = logWeights[k] - 0.5 * z * z - Math.log(sigmas[k]) - LOG_SQRT_2PI - logZ[k];
        }
        return logSumExp(t);
    }

    /** log of the mixture's probability of [a, b] (an integer's bin), cut to [lo, hi]. */
    double logMass(double a, double b) {
        a = Math.max(a, lo);
        b = Math.min(b, hi);
        double[] t = new double[mus.length];
        for (int k = 0; k < t.length; k++) {
            t[k] = logWeights[k] + Math.log(mass((a - mus[k]) / sigmas[k], (b - mus[k]) / sigmas[k])) - logZ[k];
        }
        return logSumExp(t);
    }

    /** Φ(b) - Φ(a), taken on the side of 0 where it does not cancel. */
    private static double mass(double a, double b) {
        return a > 0 ? phi(-a) - phi(-b) : phi(b) - phi(a);
    }

    /** The standard normal distribution function. */
    private static double phi(double z) {
        return 0.5 * Erf.erfc(-z / SQRT2);
    }

    private static double logSumExp(double[] t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : t) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double v : t) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }
}

package dev.gated.engine.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Tree-structured Parzen estimator (Bergstra et al., NeurIPS 2011), with the defaults of Optuna's univariate
 * {@code TPESampler}. Past trials are ranked and split into the best {@code gamma(n) = min(ceil(n / 10), 25)}
 * ("below") and the rest ("above"); for each parameter a density l is fitted to the below trials' values and g
 * to the above trials', and of {@code candidates} draws from l the one with the largest l / g is proposed: the
 * value most typical of good trials relative to bad ones. Parameters are modelled one at a time in space order, and
 * a conditional parameter only from the trials in which it was set — that is the "tree" of the name.
 *
 * <p>Until {@code startupTrials} trials are complete there is nothing to model, and it proposes exactly what
 * {@link RandomSampler} with the same seed does, so a TPE study starts as a random one would. Pruned trials count
 * too, ranked after every complete one (deeper epochs first, then by their last value), as Optuna does: they say
 * where not to look. Failed and running trials carry no objective and are ignored. Given the same history it is
 * deterministic (its random numbers come from the seed and the trial number).
 */
public final class TpeSampler implements Sampler {
    static final double PRIOR_WEIGHT = 1.0;
    private static final long SALT = 0x7BE5_A3F1_0C42_9D61L;

    private final SearchSpace space;
    private final Direction direction;
    private final long seed;
    private final int startupTrials;
    private final int candidates;
    private final RandomSampler startup;

    public TpeSampler(SearchSpace space, Direction direction, long seed, int startupTrials, int candidates) {
        if (startupTrials < 1 || candidates < 1) {
            throw new IllegalArgumentException("tpe: startup_trials and candidates must be >= 1");
        }
        this.space = space;
        this.direction = direction;
        this.seed = seed;
        this.startupTrials = startupTrials;
        this.candidates = candidates;
        this.startup = new RandomSampler(space, seed);
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialView> history) {
        long complete = history.stream().filter(t -> t.state() == TrialState.COMPLETE).count();
        if (complete < startupTrials) {
            return startup.sample(number, history);
        }
        List<TrialView> ranked = ranked(history, direction);
        SplittableRandom rng = new SplittableRandom(RandomSampler.mix(seed ^ SALT, number));
        return space.assign((i, p) -> sample(p, ranked, rng));
    }

    /** min(ceil(n / 10), 25): how many of n ranked trials count as good. */
    static int gamma(int n) {
        return Math.min((n + 9) / 10, 25);
    }

    /** Complete trials best first, then pruned ones (deepest epoch first, then best last value); others dropped. */
    static List<TrialView> ranked(List<TrialView> history, Direction direction) {
        Comparator<TrialView> order = Comparator
                .comparingInt((TrialView t) -> t.state() == TrialState.COMPLETE ? 0 : 1)
                .thenComparingInt(t -> t.state() == TrialState.COMPLETE ? 0 : -t.lastEpoch())
                .thenComparingDouble(t -> loss(t, direction))
                .thenComparingInt(TrialView::number);
        return history.stream()
                .filter(t -> t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED)
                .sorted(order)
                .toList();
    }

    private static double loss(TrialView t, Direction direction) {
        double v = t.state() == TrialState.COMPLETE ? t.value()
                : t.intermediate().isEmpty() ? 0.0 : t.intermediate().get(t.lastEpoch());
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : direction.asLoss(v);
    }

    private Object sample(Param p, List<TrialView> ranked, SplittableRandom rng) {
        // Only the trials that set p (and with a value p can take: the space may have changed on a resume).
        List<TrialView> with = new ArrayList<>();
        List<Double> obs = new ArrayList<>();
        for (TrialView t : ranked) {
            double x = internal(p, t.params().get(p.key()));
            if (!Double.isNaN(x)) {
                with.add(t);
                obs.add(x);
            }
        }
        int nBelow = gamma(with.size());
        double[] below = byNumber(with.subList(0, nBelow), obs.subList(0, nBelow));
        double[] above = byNumber(with.subList(nBelow, with.size()), obs.subList(nBelow, obs.size()));
        return p instanceof Param.Choice c ? choose(c, below, above, rng) : numeric(p, below, above, rng);
    }

    /** Observations in trial-number order, so that the weights ramp from old to recent. */
    private static double[] byNumber(List<TrialView> trials, List<Double> obs) {
        Integer[] idx = new Integer[trials.size()];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, Comparator.comparingInt(i -> trials.get(i).number()));
        return Arrays.stream(idx).mapToDouble(obs::get).toArray();
    }

    private Object numeric(Param p, double[] below, double[] above, SplittableRandom rng) {
        double[] b = bounds(p);
        ParzenEstimator l = new ParzenEstimator(below, ParzenEstimator.defaultWeights(below.length), b[0], b[1],
                PRIOR_WEIGHT);
        ParzenEstimator g = new ParzenEstimator(above, ParzenEstimator.defaultWeights(above.length), b[0], b[1],
                PRIOR_WEIGHT);
        Object best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < candidates; k++) {
            Object v = value(p, l.sample(rng));
            double score;
            if (p instanceof Param.IntRange r) { // the probability of the integer's bin, as Optuna's discrete TPE
                long n = (Long) v;
                double lo = r.log() ? Math.log(n - 0.5) : n - r.step() / 2.0;
                double hi = r.log() ? Math.log(n + 0.5) : n + r.step() / 2.0;
                score = l.logMass(lo, hi) - g.logMass(lo, hi);
            } else {
                double x = internal(p, v);
                score = l.logPdf(x) - g.logPdf(x);
            }
            if (best == null || score > bestScore) {
                best = v;
                bestScore = score;
            }
        }
        return best;
    }

    private Object choose(Param.Choice c, double[] below, double[] above, SplittableRandom rng) {
        double[] l = categorical(below, c.values().size());
        double[] g = categorical(above, c.values().size());
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < candidates; k++) {
            double r = rng.nextDouble();
            int i = 0;
            for (double acc = l[0]; i < l.length - 1 && r >= acc; acc += l[++i]) {
                // walk the cumulative weights
            }
            double score = Math.log(l[i]) - Math.log(g[i]);
            if (best < 0 || score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return c.values().get(best);
    }

    /**
     * Optuna's categorical Parzen estimator collapsed into one distribution: each observation's kernel puts
     * {@code 1 + eps} on its category and {@code eps = prior_weight / kernels} on every category (normalised), the
     * prior kernel is uniform, and the kernels are mixed with the default weights plus the prior weight.
     */
    static double[] categorical(double[] obs, int categories) {
        double[] p = new double[categories];
        int n = obs.length;
        double[] w = Arrays.copyOf(ParzenEstimator.defaultWeights(n), n + 1);
        w[n] = PRIOR_WEIGHT;
        double sum = Arrays.stream(w).sum();
        double eps = PRIOR_WEIGHT / (n + 1);
        for (int k = 0; k < n; k++) {
            double wk = w[k] / sum / (1 + eps * categories);
            for (int c = 0; c < categories; c++) {
                p[c] += wk * (eps + (c == (int) obs[k] ? 1 : 0));
            }
        }
        for (int c = 0; c < categories; c++) {
            p[c] += w[n] / sum / categories;
        }
        return p;
    }

    /** The internal bounds: log scale for log parameters, integers widened by half a step either side. */
    private static double[] bounds(Param p) {
        if (p instanceof Param.Uniform u) {
            return u.log() ? new double[] {Math.log(u.low()), Math.log(u.high())} : new double[] {u.low(), u.high()};
        }
        Param.IntRange r = (Param.IntRange) p;
        long top = r.low() + (r.count() - 1) * r.step();
        return r.log() ? new double[] {Math.log(r.low() - 0.5), Math.log(top + 0.5)}
                : new double[] {r.low() - r.step() / 2.0, top + r.step() / 2.0};
    }

    /** A value's internal coordinate (a choice's index); NaN when p cannot take it. */
    static double internal(Param p, Object value) {
        if (p instanceof Param.Choice c) {
            for (int i = 0; i < c.values().size(); i++) {
                Object v = c.values().get(i);
                if (v.equals(value) || v instanceof Number a && value instanceof Number b
                        && a.doubleValue() == b.doubleValue()) {
                    return i;
                }
            }
            return Double.NaN;
        }
        if (!(value instanceof Number num)) {
            return Double.NaN;
        }
        double v = num.doubleValue();
        boolean log = p instanceof Param.Uniform u ? u.log() : ((Param.IntRange) p).log();
        double[] b = bounds(p);
        double x = log ? Math.log(v) : v;
        return x >= b[0] && x <= b[1] ? x : Double.NaN;
    }

    /** The parameter's value at internal coordinate x: integers rounded to the step grid, all clamped. */
    private static Object value(Param p, double x) {
        if (p instanceof Param.Uniform u) {
            double v = u.log() ? Math.exp(x) : x;
            return Math.min(u.high(), Math.max(u.low(), v));
        }
        Param.IntRange r = (Param.IntRange) p;
        double v = r.log() ? Math.exp(x) : x;
        long k = Math.round((v - r.low()) / r.step());
        return r.low() + r.step() * Math.min(r.count() - 1, Math.max(0, k));
    }
}

package dev.gated.engine.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How much each parameter of a study matters, as a <b>first-order variance share</b>: the fraction of the
 * objective's variance that the parameter explains on its own (one-way ANOVA's correlation ratio
 * η² = between-group sum of squares / total sum of squares), normalised so the parameters' shares sum to 1.
 *
 * <p>It is like fANOVA's main effects, but computed from binned marginals instead of a random forest: each
 * parameter's trials are put in groups (a categorical or boolean parameter's by value; a numeric one's in up to
 * {@value #BINS} quantile bins, or by value when it took at most that many values) and η² compares the group
 * means. It therefore sees neither interactions (a parameter that matters only together with another) nor
 * effects inside a bin, and it is noisy with few trials per group. The objective is replaced by its ranks first,
 * so one diverged trial does not decide the result.
 *
 * <p>Only COMPLETE trials with a finite value count, and for each parameter only those where it was set (a
 * conditional parameter is judged on the trials where its condition held). A parameter with fewer than
 * {@value #MIN_TRIALS} such trials, or whose trials fall in fewer than 2 groups, gets 0.
 */
public final class ParamImportance {
    /** Quantile bins of a numeric parameter: few, so that each holds several trials even in a small study. */
    static final int BINS = 4;
    static final int MIN_TRIALS = 3;

    private ParamImportance() {
    }

    /**
     * @param direction the study's direction; η² does not depend on it (ranks of the negated objective give the
     *                  same share), it only fixes which end rank 1 is
     * @return every parameter of {@code space} with its share, largest first (ties in search-space order); the
     *         shares sum to 1, or are all 0 when no parameter explains anything
     */
    public static Map<String, Double> of(SearchSpace space, List<TrialView> trials, Direction direction) {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(trials, "trials");
        Objects.requireNonNull(direction, "direction");
        List<TrialView> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && Double.isFinite(t.value())).toList();
        Map<String, Double> share = new LinkedHashMap<>();
        double total = 0;
        for (Param p : space.params()) {
            List<Object> xs = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            for (TrialView t : complete) {
                Object x = t.params().get(p.key());
                if (x != null) {
                    xs.add(x);
                    losses.add(direction.asLoss(t.value()));
                }
            }
            double eta = xs.size() < MIN_TRIALS ? 0
                    : etaSquared(groups(p, xs), ranks(losses.stream().mapToDouble(Double::doubleValue).toArray()));
            share.put(p.key(), eta);
            total += eta;
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(share.entrySet());
        sorted.sort((a, b) -> Double.compare(b.getValue(), a.getValue())); // stable: ties keep space order
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sorted) {
            out.put(e.getKey(), total > 0 ? e.getValue() / total : 0.0);
        }
        return out;
    }

    /**
     * The group of each value, 0-based: by value for a choice, a non-numeric value or a numeric parameter with at
     * most {@value #BINS} distinct values; else the quantile bin.
     */
    static int[] groups(Param p, List<Object> values) {
        boolean numeric = !(p instanceof Param.Choice) && values.stream().allMatch(v -> v instanceof Number);
        Map<Object, Integer> byValue = new HashMap<>();
        int[] g = new int[values.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = byValue.computeIfAbsent(key(values.get(i)), k -> byValue.size());
        }
        if (!numeric || byValue.size() <= BINS) {
            return g;
        }
        // Quantile bins are the same for x and log x (log is monotone), so log parameters need no transform.
        double[] sorted = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        for (int i = 0; i < g.length; i++) {
            double x = ((Number) values.get(i)).doubleValue();
            int below = lowerBound(sorted, x);
            int ties = lowerBound(sorted, Math.nextUp(x)) - below;
            // The mid-rank places a run of ties in one bin, by its middle, so a value most trials share does not
            // pull every other value into its bin.
            g[i] = Math.min(BINS - 1, (int) Math.floor(BINS * (below + ties / 2.0) / sorted.length));
        }
        return g;
    }

    /** 1-based ranks, ties given their average rank. */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] r = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }

    /** Between-group over total sum of squares of {@code y}; 0 with fewer than 2 groups or no variance. */
    static double etaSquared(int[] group, double[] y) {
        int groups = Arrays.stream(group).max().orElse(-1) + 1;
        if (Arrays.stream(group).distinct().count() < 2) {
            return 0;
        }
        double mean = Arrays.stream(y).average().orElse(0);
        double[] sum = new double[groups];
        int[] count = new int[groups];
        double total = 0;
        for (int i = 0; i < y.length; i++) {
            sum[group[i]] += y[i];
            count[group[i]]++;
            total += (y[i] - mean) * (y[i] - mean);
        }
        double between = 0;
        for (int k = 0; k < groups; k++) {
            if (count[k] > 0) {
                double d = sum[k] / count[k] - mean;
                between += count[k] * d * d;
            }
        }
        return total > 0 ? Math.min(1, between / total) : 0;
    }

    /** Numbers compare as numbers (2 == 2.0), as in {@link Condition}. */
    private static Object key(Object v) {
        return v instanceof Number n ? (Object) n.doubleValue() : v;
    }

    /** The first index whose value is &ge; {@code x}. */
    private static int lowerBound(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}

package dev.gated.engine.tune;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a sampler, a pruner or a plot sees of one trial.
 *
 * @param number       0-based trial number, in the order trials were claimed
 * @param params       the sampled parameters (inactive conditional ones left out), in search-space order
 * @param state        where the trial stands
 * @param value        the objective: set for COMPLETE trials, NaN otherwise
 * @param intermediate the objective so far after each 1-based epoch (the best so far when the objective is the
 *                     best epoch's), as the running trial reported them
 * @param seconds      training wall time so far
 */
public record TrialView(int number, Map<String, Object> params, TrialState state, double value,
                        SortedMap<Integer, Double> intermediate, double seconds) {
    public TrialView {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        Objects.requireNonNull(state, "state");
        intermediate = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(intermediate));
    }

    /** The last epoch reported, or 0. */
    public int lastEpoch() {
        return intermediate.isEmpty() ? 0 : intermediate.lastKey();
    }
}

package dev.gated.engine.tune;

import java.util.List;
import java.util.Map;

/**
 * Chooses the parameters of the next trial. Samplers are deterministic: the same space, seed, trial number and
 * history give the same parameters, so a study with one worker repeats itself exactly; random and quasi-random
 * samplers (and grid search) depend on the trial number only, so theirs do with any number of workers.
 */
public interface Sampler {
    /**
     * @param number  the new trial's 0-based number
     * @param history every trial claimed before it, in any state
     * @return the parameters, in search-space order, inactive conditional ones left out
     */
    Map<String, Object> sample(int number, List<TrialView> history);

    /** How many distinct trials it can propose: grid search's grid size, else {@link Long#MAX_VALUE}. */
    default long capacity() {
        return Long.MAX_VALUE;
    }
}

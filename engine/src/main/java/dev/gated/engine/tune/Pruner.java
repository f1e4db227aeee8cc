package dev.gated.engine.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides after each epoch whether a running trial should stop. Values are the trial's intermediate objective
 * ({@link TrialView#intermediate()}); decisions read every trial of the study, so workers sharing a study prune
 * against each other's trials.
 */
public interface Pruner {
    /**
     * @param trial  the running trial, with this epoch's value in its intermediate values
     * @param epoch  the 1-based epoch just evaluated
     * @param others every other trial of the study
     * @return why to stop it, or empty to let it go on
     */
    Optional<String> prune(TrialView trial, int epoch, List<TrialView> others);

    static Pruner of(StudyConfig.PrunerConfig c, Direction direction, String metric) {
        return switch (c.kind()) {
            case NONE -> (t, e, o) -> Optional.empty();
            case MEDIAN -> new Median(c.startupTrials(), c.warmupEpochs(), direction, metric);
            case ASHA -> new Asha(c.minEpochs(), c.reductionFactor(), direction, metric);
        };
    }

    /**
     * Optuna's MedianPruner: after {@code warmupEpochs} and once {@code startupTrials} trials have completed,
     * stop a trial whose value at an epoch is worse than the median of the completed trials' values at that epoch.
     */
    record Median(int startupTrials, int warmupEpochs, Direction direction, String metric) implements Pruner {
        @Override
        public Optional<String> prune(TrialView trial, int epoch, List<TrialView> others) {
            List<TrialView> done = others.stream().filter(t -> t.state() == TrialState.COMPLETE).toList();
            if (epoch <= warmupEpochs || done.size() < startupTrials) {
                return Optional.empty();
            }
            List<Double> at = new ArrayList<>();
            for (TrialView t : done) {
                Double v = t.intermediate().get(epoch);
                if (v != null && !v.isNaN()) {
                    at.add(direction.asLoss(v));
                }
            }
            if (at.isEmpty()) {
                return Optional.empty();
            }
            at.sort(Double::compare);
            int n = at.size();
            double median = n % 2 == 1 ? at.get(n / 2) : (at.get(n / 2 - 1) + at.get(n / 2)) / 2;
            double value = trial.intermediate().get(epoch);
            if (direction.asLoss(value) > median) {
                return Optional.of(String.format(Locale.ROOT, "median rule: %s %.6g at epoch %d is worse than the "
                        + "median %.6g of %d completed trials at that epoch", metric, value, epoch,
                        direction.asLoss(median), n));
            }
            return Optional.empty();
        }
    }

    /**
     * Asynchronous successive halving (Li et al. 2020, as Optuna's SuccessiveHalvingPruner): rungs at epochs
     * {@code minEpochs * factor^k}; a trial reaching a rung goes on only if its value is among the best
     * {@code 1/factor} of all values recorded at that rung so far (itself included). The first trials at a rung
     * have few competitors, so until {@code factor} have reported there, only the best so far goes on.
     */
    record Asha(int minEpochs, int factor, Direction direction, String metric) implements Pruner {
        /** The rung index of {@code epoch}, or -1 when it is not a rung. */
        int rung(int epoch) {
            long r = minEpochs;
            for (int k = 0; r <= epoch; k++, r *= factor) {
                if (r == epoch) {
                    return k;
                }
            }
            return -1;
        }

        @Override
        public Optional<String> prune(TrialView trial, int epoch, List<TrialView> others) {
            int k = rung(epoch);
            if (k < 0) {
                return Optional.empty();
            }
            double value = trial.intermediate().get(epoch);
            List<Double> competing = new ArrayList<>();
            competing.add(direction.asLoss(value));
            for (TrialView t : others) {
                Double v = t.intermediate().get(epoch);
                if (v != null && !v.isNaN()) {
                    competing.add(direction.asLoss(v));
                }
            }
            competing.sort(Double::compare);
            int promoted = Math.max(1, competing.size() / factor);
            double cutoff = competing.get(promoted - 1);
            if (direction.asLoss(value) <= cutoff) {
                return Optional.empty();
            }
            return Optional.of(String.format(Locale.ROOT, "asha rung %d (epoch %d): %s %.6g is not among the best "
                    + "%d of %d trials at that epoch (cut-off %.6g)", k, epoch, metric, value, promoted,
                    competing.size(), direction.asLoss(cutoff)));
        }
    }
}

package dev.gated.engine.tune;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A study file: which job to tune, over which space, for which objective, with which sampler, pruner and budget.
 * Read by {@code dev.gated.engine.config.StudyFiles}; see docs/TUNING.md for the keys.
 *
 * @param file      the study file
 * @param name      the study's name (default: the file name without extension)
 * @param job       the base job file, absolute
 * @param dir       the study folder: journal, trials/, best.yaml, leaderboard, plots
 * @param space     the search space
 * @param objective what a trial is scored by
 * @param budget    how many trials, how long
 * @param sampler   how parameters are chosen
 * @param pruner    how trials are stopped early
 * @param seed      the sampler's seed (trials train with the base job's {@code training.seed})
 */
public record StudyConfig(Path file, String name, Path job, Path dir, SearchSpace space, Objective objective,
                          Budget budget, SamplerConfig sampler, PrunerConfig pruner, long seed) {
    public StudyConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(pruner, "pruner");
    }

    /**
     * @param metric    a validation metric column of metrics.csv ({@code val_loss}, {@code val_rmse},
     *                  {@code val_accuracy}, ...) or, for forecasting jobs, {@code backtest_<metric>} (the model's
     *                  mean over the backtest's folds, e.g. {@code backtest_mase})
     * @param direction minimize or maximize
     * @param reduce    which epoch's value scores a trial: the best epoch's or the last one's
     */
    public record Objective(String metric, Direction direction, Reduce reduce) {
        public static final String BACKTEST_PREFIX = "backtest_";

        public Objective {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(reduce, "reduce");
        }

        public boolean backtest() {
            return metric.startsWith(BACKTEST_PREFIX);
        }
    }

    public enum Reduce { BEST, LAST }

    /**
     * @param trials trials to run in all (complete, pruned and failed ones count; grid search: at most the grid)
     * @param time   wall time of one {@code gated tune} invocation after which no new trial starts (running ones
     *               finish)
     */
    public record Budget(int trials, Optional<Duration> time) {
        public Budget {
            if (trials < 1) {
                throw new IllegalArgumentException("trials: expected >= 1, got " + trials);
            }
            Objects.requireNonNull(time, "time");
        }
    }

    public enum SamplerKind { GRID, RANDOM, SOBOL, TPE }

    /**
     * @param kind          grid, random, sobol (quasi-random) or tpe (tree-structured Parzen estimator)
     * @param startupTrials tpe: trials sampled at random before the model is used
     * @param candidates    tpe: candidates drawn from the good trials' density per trial, the best ratio kept
     */
    public record SamplerConfig(SamplerKind kind, int startupTrials, int candidates) {
        public static final int DEFAULT_STARTUP_TRIALS = 10;
        public static final int DEFAULT_CANDIDATES = 24;

        public SamplerConfig {
            Objects.requireNonNull(kind, "kind");
            if (startupTrials < 1 || candidates < 1) {
                throw new IllegalArgumentException("startup_trials and candidates: expected >= 1");
            }
        }
    }

    public enum PrunerKind { NONE, MEDIAN, ASHA }

    /**
     * @param kind            none, median (stop a trial worse than the median of completed trials at the same
     *                        epoch) or asha (asynchronous successive halving)
     * @param minEpochs       asha: the first rung's epoch (rungs at minEpochs * reductionFactor^k)
     * @param reductionFactor asha: the share 1/reductionFactor of trials promoted at each rung
     * @param startupTrials   median: completed trials needed before any trial is pruned
     * @param warmupEpochs    median: epochs a trial runs before it may be pruned
     */
    public record PrunerConfig(PrunerKind kind, int minEpochs, int reductionFactor, int startupTrials,
                               int warmupEpochs) {
        public static final PrunerConfig NONE = new PrunerConfig(PrunerKind.NONE, 1, 3, 5, 0);

        public PrunerConfig {
            Objects.requireNonNull(kind, "kind");
            if (minEpochs < 1 || reductionFactor < 2 || startupTrials < 0 || warmupEpochs < 0) {
                throw new IllegalArgumentException("min_epochs >= 1, reduction_factor >= 2, startup_trials >= 0, "
                        + "warmup_epochs >= 0 expected");
            }
        }
    }
}

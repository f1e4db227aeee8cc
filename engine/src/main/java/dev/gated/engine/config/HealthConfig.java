package dev.gated.engine.config;

import java.util.List;
import java.util.Locale;

/**
 * Training health and what to do about non-finite values: {@code training.health} ({@code every_steps},
 * {@code sequences}) and {@code training.on_nonfinite}, {@code rollback_lr_factor}, {@code max_rollbacks}.
 *
 * @param everySteps       health rows every this many optimizer steps (0: off)
 * @param sequences        at most this many sequences of the batch go through the saturation probe's forward
 * @param onNonFinite      the action when the loss or a gradient is NaN or infinite
 * @param rollbackLrFactor rollback: the learning rate is multiplied by this after each rollback, in (0, 1)
 * @param maxRollbacks     rollback: after this many rollbacks the next non-finite step stops the run
 */
public record HealthConfig(int everySteps, int sequences, OnNonFinite onNonFinite, double rollbackLrFactor,
                           int maxRollbacks) {
    /** Every 50 steps: a few rows per epoch on the examples, and the probe costs far less than the 50 steps. */
    public static final int DEFAULT_EVERY_STEPS = 50;
    public static final int DEFAULT_SEQUENCES = 8;
    public static final double DEFAULT_ROLLBACK_LR_FACTOR = 0.5;
    public static final int DEFAULT_MAX_ROLLBACKS = 3;
    public static final HealthConfig DEFAULT = new HealthConfig(DEFAULT_EVERY_STEPS, DEFAULT_SEQUENCES,
            OnNonFinite.STOP, DEFAULT_ROLLBACK_LR_FACTOR, DEFAULT_MAX_ROLLBACKS);

    public HealthConfig {
        if (everySteps < 0) {
            throw new IllegalArgumentException("training.health.every_steps: expected an integer >= 0, got "
                    + everySteps);
        }
        if (sequences < 1) {
            throw new IllegalArgumentException("training.health.sequences: expected an integer >= 1, got " + sequences);
        }
        if (onNonFinite == null) {
            throw new IllegalArgumentException("training.on_nonfinite: expected one of " + OnNonFinite.KEYS
                    + ", got null");
        }
        if (!(rollbackLrFactor > 0 && rollbackLrFactor < 1)) {
            throw new IllegalArgumentException("training.rollback_lr_factor: expected a number in (0, 1), got "
                    + rollbackLrFactor);
        }
        if (maxRollbacks < 1) {
            throw new IllegalArgumentException("training.max_rollbacks: expected an integer >= 1, got " + maxRollbacks);
        }
    }

    public boolean enabled() {
        return everySteps > 0;
    }

    /** What a NaN or infinite loss or gradient does. */
    public enum OnNonFinite {
        /** Stop with a diagnostic naming the first non-finite gradient tensor. */
        STOP,
        /** Drop the batch's update (weights and optimizer state untouched), warn, count it. */
        SKIP,
        /** Restore the last good checkpoint, multiply the learning rate by the factor, warn, continue. */
        ROLLBACK;

        public static final List<String> KEYS = List.of("stop", "skip", "rollback");

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}

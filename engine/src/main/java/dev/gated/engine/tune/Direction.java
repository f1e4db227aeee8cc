package dev.gated.engine.tune;

/** Whether the study's objective is to be made small or large. */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    /** True when {@code a} is strictly better than {@code b}; NaN is never better. */
    public boolean better(double a, double b) {
        if (Double.isNaN(a)) {
            return false;
        }
        if (Double.isNaN(b)) {
            return true;
        }
        return this == MINIMIZE ? a < b : a > b;
    }

    /** The value as a loss: itself when minimising, its negation when maximising. */
    public double asLoss(double value) {
        return this == MINIMIZE ? value : -value;
    }
}

package dev.gated.engine.config;

/**
 * {@code data.split}: the chronological train / validation / test fractions, written {@code [0.7, 0.15, 0.15]}
 * (the default). Each is in [0, 1], train is above 0, and they sum to 1 (within 1e-6).
 */
public record Split(double train, double validation, double test) {
    /** The default split, {@code [0.7, 0.15, 0.15]}. */
    public static final Split DEFAULT = new Split(0.7, 0.15, 0.15);

    /** Tolerance on the sum of the three fractions. */
    public static final double SUM_TOLERANCE = 1e-6;

    /** @throws IllegalArgumentException if a fraction is out of range or they do not sum to 1 */
    public Split {
        if (!(train > 0 && train <= 1) || !(validation >= 0 && validation <= 1) || !(test >= 0 && test <= 1)) {
            throw new IllegalArgumentException("split fractions out of range: " + train + ", " + validation + ", " + test);
        }
        if (Math.abs(train + validation + test - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("split fractions sum to " + (train + validation + test) + ", not 1");
        }
    }
}

package dev.gated.engine.forecast;

import java.util.Locale;

/**
 * How a forecasting job scales each column before the network sees it ({@code forecast.scaling}), inverted exactly
 * on the way out.
 */
public enum Scaling {
    /** Mean and standard deviation of the training rows, per series and column (fitted once, saved with the run). */
    GLOBAL,
    /**
     * Each input window by its own mean and standard deviation per column, the outputs mapped back with the same
     * numbers (reversible instance normalisation): the scale follows the series, so forecasts can leave the range
     * of the training rows.
     */
    WINDOW,
    /** The values as they are. */
    NONE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

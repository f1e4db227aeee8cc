package dev.gated.engine.forecast;

import java.util.Locale;

/** What the network predicts for each horizon step ({@code forecast.target}). */
public enum TargetMode {
    /** The (scaled, differenced) value itself. */
    VALUE,
    /** The change from the last observed (differenced) value, in scaled units: the forecast is last value + change. */
    CHANGE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gated.engine.forecast;

import java.util.Locale;

/** How a forecast of several horizon steps is made ({@code forecast.strategy}). */
public enum Strategy {
    /** One network output per horizon step and target column, all from one pass. */
    DIRECT,
    /**
     * A one-step network applied again and again, each forecast fed back as the next step's input; needs every
     * input column to be a target or known in advance.
     */
    RECURSIVE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

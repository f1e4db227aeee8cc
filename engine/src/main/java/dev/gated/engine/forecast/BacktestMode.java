package dev.gated.engine.forecast;

import java.util.Locale;

/** Which rows each rolling-origin fold trains on ({@code forecast.backtest.mode}). */
public enum BacktestMode {
    /** Every row before the fold's first forecast row. */
    EXPANDING,
    /** As many rows as the first fold has, ending before the fold's first forecast row. */
    SLIDING;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gated.engine.forecast;

import java.util.List;

/**
 * Anything that forecasts the panel's targets from the rows up to an origin: the trained network and each naive
 * baseline have this one shape, so every metric table is one loop over forecasters.
 */
public interface Forecaster {
    /** The name used in metric keys and tables: {@code model}, {@code last_value}, {@code seasonal_naive}, ... */
    String name();

    /** Forecasts of {@code horizon} steps for every origin, reading only rows up to each origin. */
    Forecasts forecast(List<Origin> origins, int horizon);
}

package dev.gated.engine.data.timeseries;

import java.time.LocalDateTime;

/**
 * Read access to one series' rows, as a forecast window reads them: a {@link Series}, or a series with forecasts
 * written over its future rows (a recursive forecast feeds its own outputs back).
 */
public interface SeriesRows {
    /** The series id ({@code ""} for a file without ids). */
    String id();

    /** The value of column {@code c} (index in {@link PanelColumns#all()}) at {@code row}. */
    double value(int c, int row);

    /** The date of {@code row} (continued past the last row at the frequency), or null without dates. */
    LocalDateTime date(int row);
}

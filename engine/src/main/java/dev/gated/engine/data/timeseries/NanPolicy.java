package dev.gated.engine.data.timeseries;

import java.util.Locale;

/**
 * What {@link TimeSeriesCsv} does with a <em>missing value</em> in a selected numeric column: an empty cell, or
 * the text {@code nan}, {@code inf}, {@code -inf}, {@code infinity} (any case, optional sign), or a number too
 * large for a double. Text that is neither a number nor one of these is always an error, whatever the policy.
 */
public enum NanPolicy {
    /** Stop at the first missing value with an error naming the file, line and column. */
    ERROR,
    /**
     * Remove every row with a missing value in any selected column; {@link TimeSeries#droppedRows()} counts them.
     * The remaining rows are joined up, so a window may then span the time of a dropped row.
     */
    DROP,
    /**
     * Fill each gap inside a column linearly between the nearest valid values before and after it (by row
     * position, not by date). A gap at the start or end of a column has no value on one side and is an error.
     */
    INTERPOLATE;

    /** Parses {@code error}, {@code drop} or {@code interpolate} (any case), as written in a job file. */
    public static NanPolicy parse(String text) {
        if (text != null) {
            for (NanPolicy p : values()) {
                if (p.name().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("nan_policy: expected one of error, drop, interpolate, got "
                + (text == null ? "null" : "'" + text + "'"));
    }

    /** The name as written in a job file: {@code error}, {@code drop} or {@code interpolate}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.gated.engine.data.timeseries;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A covariate computed from a date alone, so it is known in advance for the dates being forecast. Each feature is
 * a value that runs over a cycle, encoded as the point {@code (sin a, cos a)} with
 * {@code a = 2 pi (value - first) / period}, so the cycle's last value sits next to its first:
 * <table>
 *   <caption>Calendar features</caption>
 *   <tr><th>key</th><th>value</th><th>first</th><th>period</th></tr>
 *   <tr><td>{@code month}</td><td>1 to 12</td><td>1</td><td>12</td></tr>
 *   <tr><td>{@code quarter}</td><td>1 to 4</td><td>1</td><td>4</td></tr>
 *   <tr><td>{@code week_of_year}</td><td>ISO week, 1 to 53</td><td>1</td><td>53</td></tr>
 *   <tr><td>{@code day_of_month}</td><td>1 to 31</td><td>1</td><td>the days in that month (28 to 31)</td></tr>
 *   <tr><td>{@code day_of_week}</td><td>ISO, Monday 1 to Sunday 7</td><td>1</td><td>7</td></tr>
 *   <tr><td>{@code day_of_year}</td><td>1 to 366</td><td>1</td><td>the days in that year (365 or 366)</td></tr>
 *   <tr><td>{@code hour}</td><td>0 to 23</td><td>0</td><td>24</td></tr>
 *   <tr><td>{@code minute}</td><td>0 to 59</td><td>0</td><td>60</td></tr>
 * </table>
 * For example {@code month} of 2021-03-15 is {@code (sin 2 pi 2/12, cos 2 pi 2/12) = (0.866, 0.5)}.
 *
 * <p>A feature says nothing where it cannot change from one step of the series to the next ({@code hour} of daily
 * data is always 0): see {@link #meaningfulFor}.
 */
public enum CalendarFeature {
    /** Month of the year. */
    MONTH("month", 1, Cycle.YEAR),
    /** Quarter of the year. */
    QUARTER("quarter", 1, Cycle.YEAR),
    /** ISO week of the week-based year (2024-12-30 is week 1 of 2025). */
    WEEK_OF_YEAR("week_of_year", 1, Cycle.YEAR),
    /** Day of the month. */
    DAY_OF_MONTH("day_of_month", 1, Cycle.MONTH),
    /** ISO day of the week, Monday = 1. */
    DAY_OF_WEEK("day_of_week", 1, Cycle.WEEK),
    /** Day of the year. */
    DAY_OF_YEAR("day_of_year", 1, Cycle.YEAR),
    /** Hour of the day. */
    HOUR("hour", 0, Cycle.DAY),
    /** Minute of the hour. */
    MINUTE("minute", 0, Cycle.HOUR);

    /** What a feature's value runs around, with its mean length (as long as one step of that frequency). */
    private enum Cycle {
        YEAR(Frequency.YEARLY),
        MONTH(Frequency.MONTHLY),
        WEEK(Frequency.WEEKLY),
        DAY(Frequency.DAILY),
        HOUR(Frequency.HOURLY);

        private final Duration length;

        Cycle(Frequency step) {
            this.length = step.nominalStep();
        }
    }

    private final String key;
    private final int first;
    private final Cycle cycle;

    CalendarFeature(String key, int first, Cycle cycle) {
        this.key = key;
        this.first = first;
        this.cycle = cycle;
    }

    /** The name used in job files: {@code month}, {@code week_of_year}, ... */
    public String key() {
        return key;
    }

    /** The feature named {@code key} (exactly, as {@link #key()} gives it), if there is one. */
    public static Optional<CalendarFeature> byKey(String key) {
        for (CalendarFeature f : values()) {
            if (f.key.equals(key)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Every key, in declaration order, for "expected one of ..." messages. */
    public static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (CalendarFeature f : values()) {
            keys.add(f.key);
        }
        return List.copyOf(keys);
    }

    /** The feature's value at {@code t}, e.g. 3 for {@code month} of 2021-03-15. */
    public int value(LocalDateTime t) {
        return switch (this) {
            case MONTH -> t.getMonthValue();
            case QUARTER -> (t.getMonthValue() + 2) / 3;
            case WEEK_OF_YEAR -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case DAY_OF_MONTH -> t.getDayOfMonth();
            case DAY_OF_WEEK -> t.getDayOfWeek().getValue();
            case DAY_OF_YEAR -> t.getDayOfYear();
            case HOUR -> t.getHour();
            case MINUTE -> t.getMinute();
        };
    }

    /** The smallest value: 0 for {@code hour} and {@code minute}, else 1. */
    public int first() {
        return first;
    }

    /** How many values the cycle through {@code t} has (the length of t's month or year where that varies). */
    public int period(LocalDateTime t) {
        return switch (this) {
            case MONTH -> 12;
            case QUARTER -> 4;
            case WEEK_OF_YEAR -> 53;
            case DAY_OF_MONTH -> t.toLocalDate().lengthOfMonth();
            case DAY_OF_WEEK -> 7;
            case DAY_OF_YEAR -> t.toLocalDate().lengthOfYear();
            case HOUR -> 24;
            case MINUTE -> 60;
        };
    }

    /** {@code {sin a, cos a}} with {@code a = 2 pi (value(t) - first()) / period(t)}. */
    public double[] encode(LocalDateTime t) {
        double a = 2 * Math.PI * (value(t) - first) / period(t);
        return new double[] {Math.sin(a), Math.cos(a)};
    }

    /**
     * Whether the feature can tell a series' steps apart: false where one step is as long as the feature's cycle or
     * longer, so that the feature is constant or jumps around (every feature of yearly data; {@code day_of_month}
     * of monthly data; {@code day_of_week} of weekly data; {@code hour} of daily and business-daily data;
     * {@code minute} of hourly data). Always true for an {@link Frequency#IRREGULAR} series, whose steps are unknown.
     */
    public boolean meaningfulFor(Frequency frequency) {
        return !frequency.regular() || frequency.nominalStep().compareTo(cycle.length) < 0;
    }
}

package dev.gated.engine.data.timeseries;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The spacing of a time series' dates: {@link #detect} finds it from the dates, {@link #plus} steps on from a date
 * (the dates of a forecast), {@link #season} is the default seasonal period.
 *
 * <p>Years, quarters and months are calendar units: 2020-01-31, 2020-02-29, 2020-03-31 is monthly, as is 2020-01-15,
 * 2020-02-15. The other kinds are fixed steps of a {@link LocalDateTime} (no zone, so no daylight saving jumps). A
 * {@link Kind#MINUTES} step that is a whole number of hours or days is described as such ("every 2 hours"); 60
 * minutes is {@link #HOURLY}, a day {@link #DAILY}, a week {@link #WEEKLY}, and 60 seconds a minute.
 *
 * <p>The seasonal period, {@link #season()}, in steps:
 * <table>
 *   <caption>Default seasonal period of each frequency</caption>
 *   <tr><th>frequency</th><th>season</th><th>the cycle</th></tr>
 *   <tr><td>yearly</td><td>1</td><td>none</td></tr>
 *   <tr><td>quarterly</td><td>4</td><td>a year</td></tr>
 *   <tr><td>monthly</td><td>12</td><td>a year</td></tr>
 *   <tr><td>weekly</td><td>52</td><td>a year (about)</td></tr>
 *   <tr><td>daily</td><td>7</td><td>a week</td></tr>
 *   <tr><td>business-daily</td><td>5</td><td>a working week</td></tr>
 *   <tr><td>hourly</td><td>24</td><td>a day</td></tr>
 *   <tr><td>every k minutes</td><td>1440 / k where that is a whole number, else 1</td><td>a day</td></tr>
 *   <tr><td>every k seconds</td><td>1</td><td>none</td></tr>
 *   <tr><td>irregular</td><td>1</td><td>none</td></tr>
 * </table>
 *
 * @param kind  the kind of step
 * @param every how many minutes or seconds one step is, for {@link Kind#MINUTES} and {@link Kind#SECONDS}; 1 for
 *              every other kind
 */
public record Frequency(Kind kind, int every) {
    /** The share of steps that one step length must explain for {@link #detect} to call the dates regular. */
    public static final double MIN_SHARE = 0.9;

    /** Every year, same month and day. */
    public static final Frequency YEARLY = new Frequency(Kind.YEARLY, 1);
    /** Every three months. */
    public static final Frequency QUARTERLY = new Frequency(Kind.QUARTERLY, 1);
    /** Every month. */
    public static final Frequency MONTHLY = new Frequency(Kind.MONTHLY, 1);
    /** Every 7 days. */
    public static final Frequency WEEKLY = new Frequency(Kind.WEEKLY, 1);
    /** Every day. */
    public static final Frequency DAILY = new Frequency(Kind.DAILY, 1);
    /** Every Monday to Friday. */
    public static final Frequency BUSINESS_DAILY = new Frequency(Kind.BUSINESS_DAILY, 1);
    /** Every hour. */
    public static final Frequency HOURLY = new Frequency(Kind.HOURLY, 1);
    /** No regular step, or too few dates to tell. */
    public static final Frequency IRREGULAR = new Frequency(Kind.IRREGULAR, 1);

    private static final long SECONDS_PER_YEAR = 31_556_952L; // 365.2425 days, the Gregorian mean
    private static final int MINUTES_PER_DAY = 1440;

    /** The kinds of step. */
    public enum Kind {
        /** One calendar year. */
        YEARLY,
        /** Three calendar months. */
        QUARTERLY,
        /** One calendar month. */
        MONTHLY,
        /** 7 days. */
        WEEKLY,
        /** 1 day. */
        DAILY,
        /** To the next Monday to Friday (Friday to Monday). */
        BUSINESS_DAILY,
        /** 1 hour. */
        HOURLY,
        /** {@code every} minutes. */
        MINUTES,
        /** {@code every} seconds. */
        SECONDS,
        /** No step. */
        IRREGULAR
    }

    /**
     * Checks the components and writes each step in its plainest kind (60 seconds is {@code MINUTES 1}, 60 minutes
     * {@code HOURLY}, 1440 minutes {@code DAILY}, 10080 minutes {@code WEEKLY}).
     */
    public Frequency {
        if (kind == null) {
            throw new IllegalArgumentException("kind: required, got null");
        }
        if (kind == Kind.MINUTES || kind == Kind.SECONDS) {
            if (every < 1) {
                throw new IllegalArgumentException("every: at least 1 for " + kind + ", got " + every);
            }
            if (kind == Kind.SECONDS && every % 60 == 0) {
                kind = Kind.MINUTES;
                every /= 60;
            }
            if (kind == Kind.MINUTES && (every == 60 || every == MINUTES_PER_DAY || every == 7 * MINUTES_PER_DAY)) {
                kind = every == 60 ? Kind.HOURLY : every == MINUTES_PER_DAY ? Kind.DAILY : Kind.WEEKLY;
                every = 1;
            }
        } else if (every != 1) {
            throw new IllegalArgumentException("every: 1 for " + kind + ", got " + every);
        }
    }

    /** A step of {@code k} minutes (k at least 1). */
    public static Frequency minutes(int k) {
        return new Frequency(Kind.MINUTES, k);
    }

    /** A step of {@code k} seconds (k at least 1). */
    public static Frequency seconds(int k) {
        return new Frequency(Kind.SECONDS, k);
    }

    /**
     * The frequency of strictly increasing dates: the step that explains the largest share of the steps between
     * neighbours, if that share is at least {@link #MIN_SHARE} (so a daily series with a missing day is still daily),
     * else {@link #IRREGULAR}. Candidates are a year, a quarter and a month (calendar steps), the most common fixed
     * step between neighbours (a whole number of seconds) and a business day (only if no date is a Saturday or a
     * Sunday). Fewer than two dates are {@link #IRREGULAR}.
     *
     * @throws IllegalArgumentException if a date is null or not after the one before it
     */
    public static Frequency detect(List<LocalDateTime> dates) {
        for (int i = 0; i < dates.size(); i++) {
            if (dates.get(i) == null) {
                throw new IllegalArgumentException("dates: no nulls, got null at index " + i);
            }
            if (i > 0 && !dates.get(i).isAfter(dates.get(i - 1))) {
                throw new IllegalArgumentException("dates: strictly increasing, got " + dates.get(i) + " at index "
                        + i + " after " + dates.get(i - 1));
            }
        }
        if (dates.size() < 2) {
            return IRREGULAR;
        }
        List<Frequency> candidates = new ArrayList<>(List.of(YEARLY, QUARTERLY, MONTHLY));
        fixedStep(mostCommonStep(dates)).ifPresent(candidates::add);
        if (dates.stream().noneMatch(Frequency::weekend)) {
            candidates.add(BUSINESS_DAILY);
        }
        Frequency best = IRREGULAR;
        int bestCount = 0;
        for (Frequency f : candidates) {
            int count = 0;
            for (int i = 1; i < dates.size(); i++) {
                if (f.isStep(dates.get(i - 1), dates.get(i))) {
                    count++;
                }
            }
            if (count > bestCount) {
                best = f;
                bestCount = count;
            }
        }
        return bestCount >= MIN_SHARE * (dates.size() - 1) ? best : IRREGULAR;
    }

    private static Duration mostCommonStep(List<LocalDateTime> dates) {
        Map<Duration, Integer> counts = new HashMap<>();
        Duration best = null;
        int bestCount = 0;
        for (int i = 1; i < dates.size(); i++) {
            Duration d = Duration.between(dates.get(i - 1), dates.get(i));
            int c = counts.merge(d, 1, Integer::sum);
            if (c > bestCount || (c == bestCount && d.compareTo(best) < 0)) {
                best = d;
                bestCount = c;
            }
        }
        return best;
    }

    /** The fixed frequency of a step, if it is a whole number of seconds that fits. */
    private static Optional<Frequency> fixedStep(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() != 0 || s < 1) {
            return Optional.empty();
        }
        if (s % 60 == 0 && s / 60 <= Integer.MAX_VALUE) {
            return Optional.of(minutes((int) (s / 60)));
        }
        return s <= Integer.MAX_VALUE ? Optional.of(seconds((int) s)) : Optional.empty();
    }

    private static boolean weekend(LocalDateTime t) {
        DayOfWeek d = t.getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    /** Whether this frequency has a step ({@link #IRREGULAR} has none). */
    public boolean regular() {
        return kind != Kind.IRREGULAR;
    }

    /**
     * In words: "yearly", "quarterly", "monthly", "weekly", "daily", "business-daily", "hourly", "every minute",
     * "every 15 minutes", "every 2 hours", "every 2 days", "every second", "every 30 seconds" or "irregular".
     */
    public String describe() {
        return switch (kind) {
            case YEARLY -> "yearly";
            case QUARTERLY -> "quarterly";
            case MONTHLY -> "monthly";
            case WEEKLY -> "weekly";
            case DAILY -> "daily";
            case BUSINESS_DAILY -> "business-daily";
            case HOURLY -> "hourly";
            case MINUTES -> every == 1 ? "every minute"
                    : every % MINUTES_PER_DAY == 0 ? "every " + every / MINUTES_PER_DAY + " days"
                    : every % 60 == 0 ? "every " + every / 60 + " hours"
                    : "every " + every + " minutes";
            case SECONDS -> every == 1 ? "every second" : "every " + every + " seconds";
            case IRREGULAR -> "irregular";
        };
    }

    /** {@link #describe()}. */
    @Override
    public String toString() {
        return describe();
    }

    /** The default seasonal period in steps, as in the table of the class comment. */
    public int season() {
        return switch (kind) {
            case YEARLY, SECONDS, IRREGULAR -> 1;
            case QUARTERLY -> 4;
            case MONTHLY -> 12;
            case WEEKLY -> 52;
            case DAILY -> 7;
            case BUSINESS_DAILY -> 5;
            case HOURLY -> 24;
            case MINUTES -> MINUTES_PER_DAY % every == 0 ? MINUTES_PER_DAY / every : 1;
        };
    }

    /**
     * The date {@code steps} steps after {@code t} ({@code t} itself for 0). Calendar steps keep the day of the
     * month where the target month has it, else take its last day (2020-01-31 plus one month is 2020-02-29); a
     * month's last day stays a month's last day (2020-02-29 plus one month is 2020-03-31, plus one year
     * 2021-02-28). Business days skip Saturdays and Sundays (Friday plus one is Monday; from a Saturday or Sunday
     * the first step is to Monday). The time of day is kept, except by fixed steps that are not whole days.
     *
     * @throws IllegalArgumentException if steps is negative
     * @throws IllegalStateException    for {@link #IRREGULAR}, which has no step
     */
    public LocalDateTime plus(LocalDateTime t, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps: at least 0, got " + steps);
        }
        return switch (kind) {
            case YEARLY -> plusMonths(t, 12L * steps);
            case QUARTERLY -> plusMonths(t, 3L * steps);
            case MONTHLY -> plusMonths(t, steps);
            case BUSINESS_DAILY -> plusBusinessDays(t, steps);
            case IRREGULAR -> throw new IllegalStateException("an irregular series has no step to add");
            default -> t.plus(fixedDuration().multipliedBy(steps));
        };
    }

    /**
     * Whether {@code to} is one step after {@code from}. For calendar steps the day of the month may differ where
     * one of the two is its month's last day (2020-01-31 to 2020-02-29, and 2019-02-28 to 2019-03-29 for a series on
     * the 29th); the time of day must be the same. {@link #IRREGULAR}: never.
     */
    public boolean isStep(LocalDateTime from, LocalDateTime to) {
        return switch (kind) {
            case YEARLY -> monthsApart(from, to, 12);
            case QUARTERLY -> monthsApart(from, to, 3);
            case MONTHLY -> monthsApart(from, to, 1);
            case BUSINESS_DAILY -> to.equals(plusBusinessDays(from, 1));
            case IRREGULAR -> false;
            default -> to.equals(from.plus(fixedDuration()));
        };
    }

    /**
     * About how long one step is (a year is 365.2425 days, a month a twelfth of that), for comparisons; null if
     * irregular.
     */
    Duration nominalStep() {
        return switch (kind) {
            case YEARLY -> Duration.ofSeconds(SECONDS_PER_YEAR);
            case QUARTERLY -> Duration.ofSeconds(SECONDS_PER_YEAR / 4);
            case MONTHLY -> Duration.ofSeconds(SECONDS_PER_YEAR / 12);
            case BUSINESS_DAILY -> Duration.ofDays(1);
            case IRREGULAR -> null;
            default -> fixedDuration();
        };
    }

    private Duration fixedDuration() {
        return switch (kind) {
            case WEEKLY -> Duration.ofDays(7);
            case DAILY -> Duration.ofDays(1);
            case HOURLY -> Duration.ofHours(1);
            case MINUTES -> Duration.ofMinutes(every);
            case SECONDS -> Duration.ofSeconds(every);
            default -> throw new IllegalStateException(kind + " has no fixed step");
        };
    }

    private static LocalDateTime plusMonths(LocalDateTime t, long months) {
        LocalDateTime moved = t.plusMonths(months);
        return monthEnd(t) ? moved.with(TemporalAdjusters.lastDayOfMonth()) : moved;
    }

    private static boolean monthEnd(LocalDateTime t) {
        return t.getDayOfMonth() == t.toLocalDate().lengthOfMonth();
    }

    private static boolean monthsApart(LocalDateTime from, LocalDateTime to, int months) {
        long apart = ChronoUnit.MONTHS.between(from.withDayOfMonth(1), to.withDayOfMonth(1));
        if (apart != months || !from.toLocalTime().equals(to.toLocalTime())) {
            return false;
        }
        int a = from.getDayOfMonth();
        int b = to.getDayOfMonth();
        return a == b || (b < a && monthEnd(to)) || (b > a && monthEnd(from));
    }

    private static LocalDateTime plusBusinessDays(LocalDateTime t, int steps) {
        if (steps == 0) {
            return t;
        }
        LocalDateTime d = t;
        int left = steps;
        if (weekend(d)) {
            d = d.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            left--;
        }
        d = d.plusWeeks(left / 5);
        for (int i = 0; i < left % 5; i++) {
            d = d.plusDays(d.getDayOfWeek() == DayOfWeek.FRIDAY ? 3 : 1);
        }
        return d;
    }
}

package dev.gated.engine.data.timeseries;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the date/time cells of a time series file. A cell (surrounding spaces ignored) is exactly one of:
 * <table>
 *   <caption>Accepted date/time styles</caption>
 *   <tr><th>style</th><th>example</th><th>granularity</th><th>value</th></tr>
 *   <tr><td>{@code YYYY}</td><td>{@code 1880}</td><td>{@link Granularity#YEAR}</td><td>January 1st</td></tr>
 *   <tr><td>{@code YYYY-Qn}, {@code YYYYQn} (n 1 to 4)</td><td>{@code 2020-Q3}, {@code 2020Q3}</td>
 *       <td>{@link Granularity#QUARTER}</td><td>the quarter's first day (2020-07-01)</td></tr>
 *   <tr><td>{@code YYYY-MM}, {@code YYYY/MM}</td><td>{@code 2020-07}</td><td>{@link Granularity#MONTH}</td>
 *       <td>the month's first day</td></tr>
 *   <tr><td>{@code YYYY-MM-DD}, {@code YYYY/MM/DD}</td><td>{@code 2020-07-31}</td><td>{@link Granularity#DAY}</td>
 *       <td>midnight</td></tr>
 *   <tr><td>{@code YYYY-MM-DD} then {@code T} or one space, then {@code HH:MM}</td><td>{@code 2020-07-31T13:05}</td>
 *       <td>{@link Granularity#MINUTE}</td><td></td></tr>
 *   <tr><td>the same with {@code HH:MM:SS}</td><td>{@code 2020-07-31 13:05:59}</td><td>{@link Granularity#SECOND}</td>
 *       <td></td></tr>
 *   <tr><td>the same with {@code HH:MM:SS.f} (1 to 9 fraction digits)</td><td>{@code 2020-07-31T13:05:59.250}</td>
 *       <td>{@link Granularity#SUB_SECOND}</td><td></td></tr>
 * </table>
 * A time may end in {@code Z} (UTC) or an offset {@code +HH:MM} / {@code -HH:MM}; the value is then converted to UTC
 * ({@code 2020-07-31T13:05+02:00} is 11:05 UTC). Years have four digits, every other field two (the fraction 1 to 9),
 * letters are upper case, hours run 0 to 23 and seconds 0 to 59 (no leap second). Anything else, an empty cell
 * included, is rejected with an {@link InvalidDateException} whose message reads
 * {@code expected a date such as ..., found '...'} (see {@link #EXPECTED}), sometimes with a short reason such as
 * {@code (February 2021 has days 1 to 28)}.
 *
 * <p>{@link #parse} returns the value, a {@link LocalDateTime} (no zone: UTC where the cell had one), with the
 * cell's {@link Style}; {@link #format} writes any other value in that style, so a forecast's new dates look like
 * the file's. For every accepted cell {@code format(parse(cell))} is the cell itself (trimmed), except that an offset
 * comes back as UTC with {@code Z}.
 */
public final class Dates {
    /**
     * What a caller says a date cell should be: {@code "expected a date such as 2020-01-31, 2020-01, 2020, 2020-Q1 or
     * 2020-01-31T13:00"}. {@link InvalidDateException#getMessage()} starts with it, so a reader reports a bad cell as
     * {@code where + e.getMessage()} (e.g. {@code FILE:LINE: column N ('date'): expected ..., found 'abc'}).
     */
    public static final String EXPECTED =
            "expected a date such as 2020-01-31, 2020-01, 2020, 2020-Q1 or 2020-01-31T13:00";

    private static final Pattern YEAR = Pattern.compile("([0-9]{4})");
    private static final Pattern QUARTER = Pattern.compile("([0-9]{4})(-?)Q([0-9])");
    private static final Pattern MONTH = Pattern.compile("([0-9]{4})([-/])([0-9]{2})");
    private static final Pattern DAY = Pattern.compile("([0-9]{4})([-/])([0-9]{2})\\2([0-9]{2})");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})([T ])([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?)?"
                    + "(Z|[+-][0-9]{2}:[0-9]{2})?");
    /** Numbers in the wrong order or not zero-padded: worth a hint. */
    private static final Pattern DAY_FIRST = Pattern.compile("[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}.*");
    private static final Pattern UNPADDED =
            Pattern.compile("[0-9]{4}[-/]([0-9]|[0-9]{2}[-/][0-9]|[0-9][-/][0-9]{1,2})([T ].*)?");

    private Dates() {
    }

    /** How finely a cell names a moment, coarsest first. */
    public enum Granularity {
        /** {@code 2020}. */
        YEAR,
        /** {@code 2020-Q1}. */
        QUARTER,
        /** {@code 2020-01}. */
        MONTH,
        /** {@code 2020-01-31}. */
        DAY,
        /** {@code 2020-01-31T13:00}. */
        MINUTE,
        /** {@code 2020-01-31T13:00:59}. */
        SECOND,
        /** {@code 2020-01-31T13:00:59.5}. */
        SUB_SECOND;

        /** Whether cells of this granularity have a time of day. */
        public boolean hasTime() {
            return compareTo(MINUTE) >= 0;
        }
    }

    /**
     * How a cell is written: its granularity and spelling, so that {@link #format} can write new values alike.
     *
     * @param granularity    how finely the cell names a moment
     * @param dateSeparator  between year, month and day: {@code "-"} or {@code "/"} (month and day only; times
     *                       always use {@code "-"}); for a quarter {@code "-"} ({@code 2020-Q1}) or {@code ""}
     *                       ({@code 2020Q1}); {@code "-"} for a year
     * @param timeSeparator  {@code 'T'} or {@code ' '} between date and time; {@code 'T'} without a time
     * @param fractionDigits 1 to 9 for {@link Granularity#SUB_SECOND}, else 0
     * @param utc            whether the time ends in {@code Z} (the cell had {@code Z} or an offset); false without
     *                       a time
     */
    public record Style(Granularity granularity, String dateSeparator, char timeSeparator, int fractionDigits,
                        boolean utc) {
        /** Checks that the components describe one of the accepted styles. */
        public Style {
            if (granularity == null) {
                throw new IllegalArgumentException("granularity: required, got null");
            }
            boolean separatorOk = switch (granularity) {
                case QUARTER -> "-".equals(dateSeparator) || "".equals(dateSeparator);
                case MONTH, DAY -> "-".equals(dateSeparator) || "/".equals(dateSeparator);
                default -> "-".equals(dateSeparator);
            };
            if (!separatorOk) {
                throw new IllegalArgumentException("dateSeparator: not allowed for " + granularity + ", got '"
                        + dateSeparator + "'");
            }
            if (granularity.hasTime() ? timeSeparator != 'T' && timeSeparator != ' ' : timeSeparator != 'T') {
                throw new IllegalArgumentException("timeSeparator: not allowed for " + granularity + ", got '"
                        + timeSeparator + "'");
            }
            if (granularity == Granularity.SUB_SECOND ? fractionDigits < 1 || fractionDigits > 9
                    : fractionDigits != 0) {
                throw new IllegalArgumentException("fractionDigits: not allowed for " + granularity + ", got "
                        + fractionDigits);
            }
            if (utc && !granularity.hasTime()) {
                throw new IllegalArgumentException("utc: needs a time, got " + granularity);
            }
        }

        /**
         * The plain ISO-like style of a granularity: {@code 2020}, {@code 2020-Q1}, {@code 2020-01},
         * {@code 2020-01-31}, {@code 2020-01-31T13:00}, {@code 2020-01-31T13:00:59},
         * {@code 2020-01-31T13:00:59.250} (three fraction digits), no zone.
         */
        public static Style of(Granularity granularity) {
            return new Style(granularity, "-", 'T', granularity == Granularity.SUB_SECOND ? 3 : 0, false);
        }

        /** The style as a template, e.g. {@code YYYY-MM-DD}, {@code YYYYQn} or {@code YYYY-MM-DD HH:MM:SS.fffZ}. */
        public String pattern() {
            StringBuilder sb = new StringBuilder("YYYY");
            switch (granularity) {
                case YEAR -> {
                    return sb.toString();
                }
                case QUARTER -> {
                    return sb.append(dateSeparator).append("Qn").toString();
                }
                default -> sb.append(dateSeparator).append("MM");
            }
            if (granularity != Granularity.MONTH) {
                sb.append(dateSeparator).append("DD");
            }
            if (granularity.hasTime()) {
                sb.append(timeSeparator).append("HH:MM");
            }
            if (granularity.compareTo(Granularity.SECOND) >= 0) {
                sb.append(":SS");
            }
            if (fractionDigits > 0) {
                sb.append('.').append("f".repeat(fractionDigits));
            }
            return utc ? sb.append('Z').toString() : sb.toString();
        }
    }

    /**
     * One parsed cell.
     *
     * @param dateTime the moment (UTC where the cell had {@code Z} or an offset); a year, quarter or month is its
     *                 first day at midnight
     * @param style    how the cell was written
     */
    public record Parsed(LocalDateTime dateTime, Style style) {
        /** The cell's granularity, {@code style().granularity()}. */
        public Granularity granularity() {
            return style.granularity();
        }
    }

    /**
     * A cell that is not an accepted date. The message is {@link #EXPECTED} followed by {@code ", found 'CELL'"}
     * ({@code ", found an empty cell"} for a blank one) and, where there is one, {@code " (REASON)"}.
     */
    public static final class InvalidDateException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /** The cell as given. */
        private final String cell;
        /** Why it was rejected, or "" when it just does not look like a date. */
        private final String reason;

        InvalidDateException(String cell, String reason) {
            super(EXPECTED + ", found " + (cell.trim().isEmpty() ? "an empty cell" : "'" + cell + "'")
                    + (reason.isEmpty() ? "" : " (" + reason + ")"));
            this.cell = cell;
            this.reason = reason;
        }

        /** The cell as given (not trimmed). */
        public String cell() {
            return cell;
        }

        /** Why the cell was rejected, e.g. {@code "month 13 is not 01 to 12"}; {@code ""} when it is no date at all. */
        public String reason() {
            return reason;
        }
    }

    /**
     * Parses one cell (surrounding spaces ignored).
     *
     * @throws InvalidDateException if the cell is not one of the accepted styles or names no real moment
     * @throws NullPointerException if cell is null
     */
    public static Parsed parse(String cell) {
        String s = cell.trim();
        Matcher m;
        if ((m = YEAR.matcher(s)).matches()) {
            return new Parsed(firstDay(m.group(1), 1), Style.of(Granularity.YEAR));
        }
        if ((m = QUARTER.matcher(s)).matches()) {
            int q = Integer.parseInt(m.group(3));
            if (q < 1 || q > 4) {
                throw new InvalidDateException(cell, "quarter " + q + " is not 1 to 4");
            }
            return new Parsed(firstDay(m.group(1), 3 * q - 2),
                    new Style(Granularity.QUARTER, m.group(2), 'T', 0, false));
        }
        if ((m = MONTH.matcher(s)).matches()) {
            return new Parsed(firstDay(m.group(1), month(cell, m.group(3))),
                    new Style(Granularity.MONTH, m.group(2), 'T', 0, false));
        }
        if ((m = DAY.matcher(s)).matches()) {
            return new Parsed(day(cell, m.group(1), m.group(3), m.group(4)).atStartOfDay(),
                    new Style(Granularity.DAY, m.group(2), 'T', 0, false));
        }
        if ((m = DATE_TIME.matcher(s)).matches()) {
            return dateTime(cell, m);
        }
        throw new InvalidDateException(cell, hint(s));
    }

    /** {@link #parse}, or empty where it would throw. */
    public static Optional<Parsed> tryParse(String cell) {
        try {
            return Optional.of(parse(cell));
        } catch (InvalidDateException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes a moment in a style. Fields finer than the style are left out (a {@link Granularity#MONTH} style writes
     * 2020-03-15 as {@code 2020-03}; a {@link Granularity#QUARTER} style writes its quarter); a fraction gets the
     * style's digits, or more where the value needs them to be exact.
     */
    public static String format(LocalDateTime t, Style style) {
        StringBuilder sb = new StringBuilder(32);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("t: years 0000 to 9999 can be written, got " + t);
        }
        pad(sb, year, 4);
        switch (style.granularity()) {
            case YEAR -> {
                return sb.toString();
            }
            case QUARTER -> {
                return sb.append(style.dateSeparator()).append('Q').append((t.getMonthValue() + 2) / 3).toString();
            }
            default -> pad(sb.append(style.dateSeparator()), t.getMonthValue(), 2);
        }
        if (style.granularity() == Granularity.MONTH) {
            return sb.toString();
        }
        pad(sb.append(style.dateSeparator()), t.getDayOfMonth(), 2);
        if (!style.granularity().hasTime()) {
            return sb.toString();
        }
        pad(sb.append(style.timeSeparator()), t.getHour(), 2);
        pad(sb.append(':'), t.getMinute(), 2);
        if (style.granularity().compareTo(Granularity.SECOND) >= 0) {
            pad(sb.append(':'), t.getSecond(), 2);
        }
        if (style.granularity() == Granularity.SUB_SECOND) {
            StringBuilder nanos = new StringBuilder(9);
            pad(nanos, t.getNano(), 9);
            int digits = nanos.length();
            while (digits > style.fractionDigits() && nanos.charAt(digits - 1) == '0') {
                digits--;
            }
            sb.append('.').append(nanos, 0, digits);
        }
        return style.utc() ? sb.append('Z').toString() : sb.toString();
    }

    private static void pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        sb.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
    }

    private static Parsed dateTime(String cell, Matcher m) {
        LocalDate date = day(cell, m.group(1), m.group(2), m.group(3));
        int hour = field(cell, m.group(5), "hour", 23);
        int minute = field(cell, m.group(6), "minute", 59);
        int second = m.group(7) == null ? 0 : field(cell, m.group(7), "second", 59);
        String fraction = m.group(8);
        if (fraction != null && fraction.length() > 9) {
            throw new InvalidDateException(cell, "at most 9 digits after the seconds' '.', found "
                    + fraction.length());
        }
        int nano = fraction == null ? 0 : Integer.parseInt(fraction + "0".repeat(9 - fraction.length()));
        LocalDateTime t = LocalDateTime.of(date, LocalTime.of(hour, minute, second, nano));
        String zone = m.group(9);
        if (zone != null && !zone.equals("Z")) {
            int h = Integer.parseInt(zone.substring(1, 3));
            int min = Integer.parseInt(zone.substring(4, 6));
            if (h > 18 || min > 59 || (h == 18 && min > 0)) {
                throw new InvalidDateException(cell, "offset " + zone + " is not -18:00 to +18:00");
            }
            int sign = zone.charAt(0) == '-' ? -1 : 1;
            t = t.minusSeconds(ZoneOffset.ofHoursMinutes(sign * h, sign * min).getTotalSeconds());
        }
        Granularity g = fraction != null ? Granularity.SUB_SECOND
                : m.group(7) != null ? Granularity.SECOND : Granularity.MINUTE;
        return new Parsed(t, new Style(g, "-", m.group(4).charAt(0), fraction == null ? 0 : fraction.length(),
                zone != null));
    }

    private static LocalDateTime firstDay(String year, int month) {
        return LocalDate.of(Integer.parseInt(year), month, 1).atStartOfDay();
    }

    private static LocalDate day(String cell, String year, String month, String day) {
        YearMonth ym = YearMonth.of(Integer.parseInt(year), month(cell, month));
        int d = Integer.parseInt(day);
        if (d < 1 || d > ym.lengthOfMonth()) {
            throw new InvalidDateException(cell, ym.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " "
                    + year + " has days 1 to " + ym.lengthOfMonth());
        }
        return ym.atDay(d);
    }

    private static int month(String cell, String month) {
        int m = Integer.parseInt(month);
        if (m < 1 || m > 12) {
            throw new InvalidDateException(cell, "month " + month + " is not 01 to 12");
        }
        return m;
    }

    private static int field(String cell, String digits, String name, int max) {
        int v = Integer.parseInt(digits);
        if (v > max) {
            throw new InvalidDateException(cell, name + " " + digits + " is not 00 to " + max);
        }
        return v;
    }

    private static String hint(String s) {
        if (DAY_FIRST.matcher(s).matches()) {
            return "the year comes first, as in 2020-01-31";
        }
        if (UNPADDED.matcher(s).matches()) {
            return "months and days take two digits, as in 2020-01-05";
        }
        return "";
    }
}

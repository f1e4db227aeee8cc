package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Detecting the spacing of dates, and stepping on from a date: {@link Frequency}. */
class FrequencyTest {
    private static LocalDateTime t(String iso) {
        return LocalDateTime.parse(iso);
    }

    private static LocalDateTime d(String isoDate) {
        return LocalDate.parse(isoDate).atStartOfDay();
    }

    /** {@code n} dates from {@code first}, each {@code next} of the one before. */
    private static List<LocalDateTime> series(LocalDateTime first, int n, UnaryOperator<LocalDateTime> next) {
        List<LocalDateTime> out = new ArrayList<>();
        LocalDateTime x = first;
        for (int i = 0; i < n; i++) {
            out.add(x);
            x = next.apply(x);
        }
        return out;
    }

    @Test
    void monthlyMonthEnds() {
        List<LocalDateTime> ends = series(d("2019-01-31"), 30,
                x -> x.plusMonths(1).with(TemporalAdjusters.lastDayOfMonth()));
        assertEquals(d("2020-02-29"), ends.get(13));
        Frequency f = Frequency.detect(ends);
        assertEquals(Frequency.MONTHLY, f);
        assertEquals("monthly", f.describe());
        assertEquals(12, f.season());
        assertTrue(f.regular());
    }

    @Test
    void monthlyOnTheFirstAndOnThe29th() {
        assertEquals(Frequency.MONTHLY, Frequency.detect(series(d("2020-01-01"), 24, x -> x.plusMonths(1))));
        // A series on the 29th is clamped to the 28th in February 2019 and back to the 29th in March.
        List<LocalDateTime> on29 = new ArrayList<>();
        for (int m = 0; m < 14; m++) {
            on29.add(d("2018-11-29").plusMonths(m));
        }
        assertEquals(d("2019-02-28"), on29.get(3));
        assertEquals(d("2019-03-29"), on29.get(4));
        assertEquals(Frequency.MONTHLY, Frequency.detect(on29));
        assertTrue(Frequency.MONTHLY.isStep(d("2019-02-28"), d("2019-03-29")));
        assertFalse(Frequency.MONTHLY.isStep(d("2019-01-15"), d("2019-02-16")));
        assertFalse(Frequency.MONTHLY.isStep(d("2019-01-15"), t("2019-02-15T01:00")));
    }

    @Test
    void quarterly() {
        List<LocalDateTime> q = new ArrayList<>();
        for (String cell : List.of("2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4", "2019Q1", "2019Q2", "2019Q3")) {
            q.add(Dates.parse(cell).dateTime());
        }
        Frequency f = Frequency.detect(q);
        assertEquals(Frequency.QUARTERLY, f);
        assertEquals("quarterly", f.describe());
        assertEquals(4, f.season());
        // Quarter ends too.
        assertEquals(Frequency.QUARTERLY, Frequency.detect(List.of(d("2019-03-31"), d("2019-06-30"),
                d("2019-09-30"), d("2019-12-31"), d("2020-03-31"))));
    }

    @Test
    void yearly1880To2023() {
        List<LocalDateTime> years = new ArrayList<>();
        for (int y = 1880; y <= 2023; y++) {
            years.add(Dates.parse(Integer.toString(y)).dateTime());
        }
        Frequency f = Frequency.detect(years);
        assertEquals(Frequency.YEARLY, f);
        assertEquals("yearly", f.describe());
        assertEquals(1, f.season());
        assertEquals(t("2024-01-01T00:00"), f.plus(years.get(years.size() - 1), 1));
    }

    @Test
    void dailyWithOneMissingDayIsStillDaily() {
        List<LocalDateTime> days = series(d("2021-03-01"), 40, x -> x.plusDays(1));
        days.remove(17);
        Frequency f = Frequency.detect(days);
        assertEquals(Frequency.DAILY, f);
        assertEquals("daily", f.describe());
        assertEquals(7, f.season());
        // Too many gaps: a quarter of the days missing is not a daily series any more.
        List<LocalDateTime> gappy = series(d("2021-03-01"), 40, x -> x.plusDays(x.getDayOfMonth() % 4 == 0 ? 2 : 1));
        assertEquals(Frequency.IRREGULAR, Frequency.detect(gappy));
    }

    @Test
    void businessDays() {
        // Monday 2021-03-01 to six weeks on, weekends left out.
        List<LocalDateTime> days = series(d("2021-03-01"), 30,
                x -> x.plusDays(x.getDayOfWeek() == DayOfWeek.FRIDAY ? 3 : 1));
        Frequency f = Frequency.detect(days);
        assertEquals(Frequency.BUSINESS_DAILY, f);
        assertEquals("business-daily", f.describe());
        assertEquals(5, f.season());
        // A holiday missing (Friday 2021-03-19) is still business-daily.
        List<LocalDateTime> holiday = new ArrayList<>(days);
        holiday.remove(d("2021-03-19"));
        assertEquals(Frequency.BUSINESS_DAILY, Frequency.detect(holiday));
        // One Saturday in the data: not business-daily, and too few 1-day steps for daily.
        List<LocalDateTime> saturday = new ArrayList<>(days);
        saturday.add(5, d("2021-03-06"));
        assertEquals(Frequency.IRREGULAR, Frequency.detect(saturday));
        // Five weekdays alone are as daily as they are business-daily: daily, the plainer.
        assertEquals(Frequency.DAILY, Frequency.detect(days.subList(0, 5)));
    }

    @Test
    void hourlyAcrossAUtcDay() {
        // 2021-03-28 is a daylight saving day in Europe; in UTC (no zone) every hour is there once.
        List<LocalDateTime> hours = series(t("2021-03-27T22:00"), 30, x -> x.plusHours(1));
        Frequency f = Frequency.detect(hours);
        assertEquals(Frequency.HOURLY, f);
        assertEquals("hourly", f.describe());
        assertEquals(24, f.season());
        assertEquals(Frequency.HOURLY, Frequency.minutes(60));
    }

    @Test
    void fifteenMinutes() {
        List<LocalDateTime> cells = new ArrayList<>();
        for (LocalDateTime x : series(t("2022-06-30T23:00"), 200, y -> y.plusMinutes(15))) {
            cells.add(Dates.parse(Dates.format(x, Dates.Style.of(Dates.Granularity.MINUTE)) + "Z").dateTime());
        }
        Frequency f = Frequency.detect(cells);
        assertEquals(Frequency.minutes(15), f);
        assertEquals(Frequency.Kind.MINUTES, f.kind());
        assertEquals(15, f.every());
        assertEquals("every 15 minutes", f.describe());
        assertEquals(96, f.season());
    }

    @Test
    void otherFixedSteps() {
        assertEquals(Frequency.WEEKLY, Frequency.detect(series(d("2020-01-05"), 60, x -> x.plusWeeks(1))));
        assertEquals(Frequency.seconds(30), Frequency.detect(series(t("2020-01-05T00:00"), 60,
                x -> x.plusSeconds(30))));
        assertEquals(Frequency.minutes(120), Frequency.detect(series(t("2020-01-05T00:00"), 60,
                x -> x.plusHours(2))));
        assertEquals(Frequency.minutes(2880), Frequency.detect(series(d("2020-01-05"), 60, x -> x.plusDays(2))));
        // Sub-second steps are not among the frequencies.
        assertEquals(Frequency.IRREGULAR, Frequency.detect(series(d("2020-01-05"), 60, x -> x.plusNanos(500))));
    }

    @Test
    void irregularRandomDates() {
        Random rng = new Random(7);
        TreeSet<LocalDateTime> set = new TreeSet<>();
        while (set.size() < 200) {
            set.add(t("2020-01-01T00:00").plusMinutes(rng.nextInt(365 * 24 * 60)));
        }
        Frequency f = Frequency.detect(new ArrayList<>(set));
        assertEquals(Frequency.IRREGULAR, f);
        assertEquals("irregular", f.describe());
        assertEquals(1, f.season());
        assertFalse(f.regular());
        assertThrows(IllegalStateException.class, () -> f.plus(t("2020-01-01T00:00"), 1));
        assertFalse(f.isStep(t("2020-01-01T00:00"), t("2020-01-02T00:00")));
    }

    @Test
    void tooFewOrUnorderedDates() {
        assertEquals(Frequency.IRREGULAR, Frequency.detect(List.of()));
        assertEquals(Frequency.IRREGULAR, Frequency.detect(List.of(d("2020-01-01"))));
        assertEquals(Frequency.MONTHLY, Frequency.detect(List.of(d("2020-01-01"), d("2020-02-01"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Frequency.detect(List.of(d("2020-01-02"), d("2020-01-03"), d("2020-01-03"))));
        assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Frequency.detect(List.of(d("2020-01-02"), d("2020-01-01"))));
    }

    @Test
    void plusEachFrequency() {
        assertEquals(d("2020-02-29"), Frequency.MONTHLY.plus(d("2020-01-31"), 1));
        assertEquals(d("2020-03-31"), Frequency.MONTHLY.plus(d("2020-01-31"), 2));
        assertEquals(d("2020-03-31"), Frequency.MONTHLY.plus(d("2020-02-29"), 1));
        assertEquals(d("2019-02-28"), Frequency.MONTHLY.plus(d("2019-01-30"), 1));
        assertEquals(d("2019-03-30"), Frequency.MONTHLY.plus(d("2019-01-30"), 2));
        assertEquals(d("2020-03-15"), Frequency.MONTHLY.plus(d("2020-03-15"), 0));
        assertEquals(d("2021-01-15"), Frequency.MONTHLY.plus(d("2020-03-15"), 10));
        assertEquals(d("2020-06-30"), Frequency.QUARTERLY.plus(d("2020-03-31"), 1));
        assertEquals(d("2020-10-01"), Frequency.QUARTERLY.plus(d("2020-01-01"), 3));
        assertEquals(d("2021-02-28"), Frequency.YEARLY.plus(d("2020-02-29"), 1));
        assertEquals(d("2024-02-29"), Frequency.YEARLY.plus(d("2020-02-29"), 4));
        assertEquals(t("2021-01-01T06:00"), Frequency.YEARLY.plus(t("2020-01-01T06:00"), 1));
        assertEquals(d("2020-01-15"), Frequency.WEEKLY.plus(d("2020-01-01"), 2));
        assertEquals(d("2020-03-01"), Frequency.DAILY.plus(d("2020-02-28"), 2));
        assertEquals(t("2020-01-01T01:00"), Frequency.HOURLY.plus(t("2019-12-31T23:00"), 2));
        assertEquals(t("2020-01-01T00:30"), Frequency.minutes(15).plus(t("2019-12-31T23:45"), 3));
        assertEquals(t("2020-01-01T00:00:10"), Frequency.seconds(20).plus(t("2019-12-31T23:59:30"), 2));
        assertThrows(IllegalArgumentException.class, () -> Frequency.DAILY.plus(d("2020-01-01"), -1));
    }

    @Test
    void plusBusinessDays() {
        LocalDateTime friday = t("2021-03-05T09:30");
        assertEquals(DayOfWeek.FRIDAY, friday.getDayOfWeek());
        Frequency b = Frequency.BUSINESS_DAILY;
        assertEquals(friday, b.plus(friday, 0));
        assertEquals(t("2021-03-08T09:30"), b.plus(friday, 1));
        assertEquals(t("2021-03-09T09:30"), b.plus(friday, 2));
        assertEquals(t("2021-03-12T09:30"), b.plus(friday, 5));
        assertEquals(t("2021-03-15T09:30"), b.plus(friday, 6));
        assertEquals(d("2021-03-04"), b.plus(d("2021-03-01"), 3));
        assertEquals(d("2021-03-08"), b.plus(d("2021-03-01"), 5));
        assertEquals(d("2021-03-08"), b.plus(d("2021-03-06"), 1)); // Saturday
        assertEquals(d("2021-03-12"), b.plus(d("2021-03-07"), 5)); // Sunday
        assertEquals(d("2021-03-15"), b.plus(d("2021-03-07"), 6));
        // plus agrees with stepping one day at a time, from every day of the week.
        for (int start = 0; start < 7; start++) {
            LocalDateTime x = d("2021-03-01").plusDays(start);
            LocalDateTime y = x;
            for (int n = 1; n <= 23; n++) {
                y = b.plus(y, 1);
                assertEquals(y, b.plus(x, n), x + " + " + n);
                assertTrue(b.isStep(b.plus(x, n - 1), y) || n == 1);
            }
        }
    }

    @Test
    void describeAndSeasonOfMinutesAndSeconds() {
        assertEquals("every minute", Frequency.minutes(1).describe());
        assertEquals(1440, Frequency.minutes(1).season());
        assertEquals("every 2 hours", Frequency.minutes(120).describe());
        assertEquals(12, Frequency.minutes(120).season());
        assertEquals("every 7 minutes", Frequency.minutes(7).describe());
        assertEquals(1, Frequency.minutes(7).season());
        assertEquals("every 2 days", Frequency.minutes(2880).describe());
        assertEquals(1, Frequency.minutes(2880).season());
        assertEquals("every second", Frequency.seconds(1).describe());
        assertEquals("every 30 seconds", Frequency.seconds(30).describe());
        assertEquals(1, Frequency.seconds(30).season());
        assertEquals(Frequency.minutes(2), Frequency.seconds(120));
        assertEquals(Frequency.DAILY, Frequency.minutes(1440));
        assertEquals(Frequency.WEEKLY, Frequency.seconds(7 * 86400));
        assertEquals(52, Frequency.WEEKLY.season());
        assertEquals("every 15 minutes", Frequency.minutes(15).toString());
        assertThrows(IllegalArgumentException.class, () -> Frequency.minutes(0));
        assertThrows(IllegalArgumentException.class, () -> new Frequency(Frequency.Kind.MONTHLY, 2));
        assertThrows(IllegalArgumentException.class, () -> new Frequency(null, 1));
    }
}

package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Calendar covariates and their (sin, cos) encodings: {@link CalendarFeature}. */
class CalendarFeatureTest {
    private static final double EPS = 1e-12;

    private static LocalDateTime t(String iso) {
        return LocalDateTime.parse(iso);
    }

    private static void assertAngle(double turns, double[] encoded) {
        double a = 2 * Math.PI * turns;
        assertArrayEquals(new double[] {Math.sin(a), Math.cos(a)}, encoded, EPS);
    }

    @Test
    void keys() {
        assertEquals(List.of("month", "quarter", "week_of_year", "day_of_month", "day_of_week", "day_of_year", "hour",
                "minute"), CalendarFeature.keys());
        for (CalendarFeature f : CalendarFeature.values()) {
            assertEquals(Optional.of(f), CalendarFeature.byKey(f.key()));
            assertEquals(f.name().toLowerCase(Locale.ROOT), f.key());
        }
        assertEquals(Optional.empty(), CalendarFeature.byKey("Month"));
        assertEquals(Optional.empty(), CalendarFeature.byKey("weekday"));
        assertEquals(Optional.empty(), CalendarFeature.byKey(""));
    }

    @Test
    void encodingsOnKnownDates() {
        LocalDateTime x = t("2021-03-15T13:45");
        assertAngle(2.0 / 12, CalendarFeature.MONTH.encode(x));
        assertArrayEquals(new double[] {Math.sqrt(3) / 2, 0.5}, CalendarFeature.MONTH.encode(x), EPS);
        assertAngle(0.0 / 4, CalendarFeature.QUARTER.encode(x));
        assertEquals(11, CalendarFeature.WEEK_OF_YEAR.value(x));
        assertAngle(10.0 / 53, CalendarFeature.WEEK_OF_YEAR.encode(x));
        assertAngle(14.0 / 31, CalendarFeature.DAY_OF_MONTH.encode(x));
        assertEquals(1, CalendarFeature.DAY_OF_WEEK.value(x)); // a Monday
        assertAngle(0.0 / 7, CalendarFeature.DAY_OF_WEEK.encode(x));
        assertEquals(74, CalendarFeature.DAY_OF_YEAR.value(x));
        assertAngle(73.0 / 365, CalendarFeature.DAY_OF_YEAR.encode(x));
        assertAngle(13.0 / 24, CalendarFeature.HOUR.encode(x));
        assertAngle(45.0 / 60, CalendarFeature.MINUTE.encode(x));
        assertArrayEquals(new double[] {-1, 0}, CalendarFeature.MINUTE.encode(x), EPS);
    }

    @Test
    void valuesAndPeriodsAtTheEdges() {
        LocalDateTime sunday = t("2023-12-31T23:59");
        assertEquals(7, CalendarFeature.DAY_OF_WEEK.value(sunday));
        assertEquals(52, CalendarFeature.WEEK_OF_YEAR.value(sunday));
        assertEquals(1, CalendarFeature.WEEK_OF_YEAR.value(t("2024-12-30T00:00"))); // ISO week 1 of 2025
        assertEquals(53, CalendarFeature.WEEK_OF_YEAR.value(t("2020-12-31T00:00")));
        assertEquals(4, CalendarFeature.QUARTER.value(sunday));
        assertEquals(365, CalendarFeature.DAY_OF_YEAR.value(sunday));
        assertEquals(366, CalendarFeature.DAY_OF_YEAR.value(t("2024-12-31T00:00")));
        assertEquals(366, CalendarFeature.DAY_OF_YEAR.period(t("2024-06-01T00:00")));
        assertEquals(365, CalendarFeature.DAY_OF_YEAR.period(t("2023-06-01T00:00")));
        assertEquals(29, CalendarFeature.DAY_OF_MONTH.period(t("2024-02-10T00:00")));
        assertEquals(28, CalendarFeature.DAY_OF_MONTH.period(t("2023-02-10T00:00")));
        assertEquals(0, CalendarFeature.HOUR.first());
        assertEquals(1, CalendarFeature.MONTH.first());
        // The last day of a cycle sits just before its first.
        assertAngle(28.0 / 29, CalendarFeature.DAY_OF_MONTH.encode(t("2024-02-29T00:00")));
        assertAngle(365.0 / 366, CalendarFeature.DAY_OF_YEAR.encode(t("2024-12-31T00:00")));
        assertAngle(0, CalendarFeature.DAY_OF_YEAR.encode(t("2025-01-01T00:00")));
    }

    @Test
    void periodicity() {
        LocalDateTime x = t("2021-03-15T13:45");
        for (int k = 1; k <= 60; k++) {
            assertArrayEquals(CalendarFeature.DAY_OF_WEEK.encode(x),
                    CalendarFeature.DAY_OF_WEEK.encode(x.plusDays(7L * k)), EPS);
            assertArrayEquals(CalendarFeature.HOUR.encode(x), CalendarFeature.HOUR.encode(x.plusDays(k)), EPS);
            assertArrayEquals(CalendarFeature.MINUTE.encode(x), CalendarFeature.MINUTE.encode(x.plusHours(k)), EPS);
            assertArrayEquals(CalendarFeature.MONTH.encode(x), CalendarFeature.MONTH.encode(x.plusYears(k)), EPS);
            assertArrayEquals(CalendarFeature.QUARTER.encode(x),
                    CalendarFeature.QUARTER.encode(x.plusMonths(12L * k)), EPS);
        }
        for (CalendarFeature f : CalendarFeature.values()) {
            double[] e = f.encode(x);
            assertEquals(1.0, e[0] * e[0] + e[1] * e[1], EPS, f.key());
        }
        // Neighbouring days of the week are closer than days three apart.
        double[] mon = CalendarFeature.DAY_OF_WEEK.encode(x);
        double[] sun = CalendarFeature.DAY_OF_WEEK.encode(x.minusDays(1));
        double[] thu = CalendarFeature.DAY_OF_WEEK.encode(x.plusDays(3));
        assertTrue(Math.hypot(mon[0] - sun[0], mon[1] - sun[1]) < Math.hypot(mon[0] - thu[0], mon[1] - thu[1]));
    }

    @Test
    void meaningfulForAFrequency() {
        for (CalendarFeature f : CalendarFeature.values()) {
            assertFalse(f.meaningfulFor(Frequency.YEARLY), f.key());
            assertTrue(f.meaningfulFor(Frequency.IRREGULAR), f.key());
            assertTrue(f.meaningfulFor(Frequency.minutes(1)), f.key());
            assertTrue(f.meaningfulFor(Frequency.seconds(30)), f.key());
        }
        assertTrue(CalendarFeature.MONTH.meaningfulFor(Frequency.MONTHLY));
        assertTrue(CalendarFeature.QUARTER.meaningfulFor(Frequency.QUARTERLY));
        assertTrue(CalendarFeature.MONTH.meaningfulFor(Frequency.QUARTERLY));
        assertFalse(CalendarFeature.DAY_OF_MONTH.meaningfulFor(Frequency.MONTHLY));
        assertFalse(CalendarFeature.DAY_OF_WEEK.meaningfulFor(Frequency.MONTHLY));
        assertFalse(CalendarFeature.DAY_OF_WEEK.meaningfulFor(Frequency.WEEKLY));
        assertTrue(CalendarFeature.WEEK_OF_YEAR.meaningfulFor(Frequency.WEEKLY));
        assertTrue(CalendarFeature.DAY_OF_MONTH.meaningfulFor(Frequency.WEEKLY));
        assertTrue(CalendarFeature.DAY_OF_WEEK.meaningfulFor(Frequency.DAILY));
        assertTrue(CalendarFeature.DAY_OF_WEEK.meaningfulFor(Frequency.BUSINESS_DAILY));
        assertFalse(CalendarFeature.HOUR.meaningfulFor(Frequency.DAILY));
        assertFalse(CalendarFeature.HOUR.meaningfulFor(Frequency.BUSINESS_DAILY));
        assertTrue(CalendarFeature.HOUR.meaningfulFor(Frequency.HOURLY));
        assertFalse(CalendarFeature.MINUTE.meaningfulFor(Frequency.HOURLY));
        assertTrue(CalendarFeature.MINUTE.meaningfulFor(Frequency.minutes(15)));
        assertTrue(CalendarFeature.HOUR.meaningfulFor(Frequency.minutes(120)));
        assertFalse(CalendarFeature.HOUR.meaningfulFor(Frequency.minutes(2880)));
    }
}

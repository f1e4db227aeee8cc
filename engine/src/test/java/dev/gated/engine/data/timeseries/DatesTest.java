package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.Dates.Granularity;
import dev.gated.engine.data.timeseries.Dates.InvalidDateException;
import dev.gated.engine.data.timeseries.Dates.Parsed;
import dev.gated.engine.data.timeseries.Dates.Style;
import java.time.LocalDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing and writing back the date cells of a time series file: {@link Dates}. */
class DatesTest {
    private static LocalDateTime t(String iso) {
        return LocalDateTime.parse(iso);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            1880                          | 1880-01-01T00:00          | YEAR       | YYYY
            2020-Q1                       | 2020-01-01T00:00          | QUARTER    | YYYY-Qn
            2020Q4                        | 2020-10-01T00:00          | QUARTER    | YYYYQn
            2020-Q2                       | 2020-04-01T00:00          | QUARTER    | YYYY-Qn
            2020Q3                        | 2020-07-01T00:00          | QUARTER    | YYYYQn
            2020-07                       | 2020-07-01T00:00          | MONTH      | YYYY-MM
            2020/12                       | 2020-12-01T00:00          | MONTH      | YYYY/MM
            2020-01-31                    | 2020-01-31T00:00          | DAY        | YYYY-MM-DD
            2020/02/29                    | 2020-02-29T00:00          | DAY        | YYYY/MM/DD
            2020-01-31T13:05              | 2020-01-31T13:05          | MINUTE     | YYYY-MM-DDTHH:MM
            2020-01-31 00:00              | 2020-01-31T00:00          | MINUTE     | YYYY-MM-DD HH:MM
            2020-01-31T13:05:59           | 2020-01-31T13:05:59       | SECOND     | YYYY-MM-DDTHH:MM:SS
            2020-01-31 23:59:00           | 2020-01-31T23:59          | SECOND     | YYYY-MM-DD HH:MM:SS
            2020-01-31T13:05:59.5         | 2020-01-31T13:05:59.5     | SUB_SECOND | YYYY-MM-DDTHH:MM:SS.f
            2020-01-31 13:05:59.250       | 2020-01-31T13:05:59.25    | SUB_SECOND | YYYY-MM-DD HH:MM:SS.fff
            2020-01-31T13:05:59.000000001 | 2020-01-31T13:05:59.000000001 | SUB_SECOND | YYYY-MM-DDTHH:MM:SS.fffffffff
            2020-01-31T13:05Z             | 2020-01-31T13:05          | MINUTE     | YYYY-MM-DDTHH:MMZ
            2020-01-31 13:05:07Z          | 2020-01-31T13:05:07       | SECOND     | YYYY-MM-DD HH:MM:SSZ
            2020-01-31T13:05:07.10Z       | 2020-01-31T13:05:07.1     | SUB_SECOND | YYYY-MM-DDTHH:MM:SS.ffZ
            """)
    void everyAcceptedStyleParsesAndFormatsBack(String cell, String value, Granularity granularity, String pattern) {
        Parsed p = Dates.parse(cell);
        assertEquals(t(value), p.dateTime());
        assertEquals(granularity, p.granularity());
        assertEquals(pattern, p.style().pattern());
        assertEquals(cell, Dates.format(p.dateTime(), p.style()));
        assertEquals(Optional.of(p), Dates.tryParse(cell));
    }

    @Test
    void surroundingSpacesAreIgnored() {
        Parsed p = Dates.parse("  2020-03 \t");
        assertEquals(t("2020-03-01T00:00"), p.dateTime());
        assertEquals("2020-03", Dates.format(p.dateTime(), p.style()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2020-01-31T13:05+02:00      | 2020-01-31T11:05     | 2020-01-31T11:05Z
            2020-01-31T01:30:00+05:30   | 2020-01-30T20:00     | 2020-01-30T20:00:00Z
            2020-12-31 22:00-03:00      | 2021-01-01T01:00     | 2021-01-01 01:00Z
            2020-01-31T13:05:00.5-00:00 | 2020-01-31T13:05:00.5 | 2020-01-31T13:05:00.5Z
            2020-03-01T00:00+18:00      | 2020-02-29T06:00     | 2020-02-29T06:00Z
            """)
    void offsetsAreConvertedToUtc(String cell, String utc, String written) {
        Parsed p = Dates.parse(cell);
        assertEquals(t(utc), p.dateTime());
        assertTrue(p.style().utc());
        assertEquals(written, Dates.format(p.dateTime(), p.style()));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            abc                       | ""
            ""                        | ""
            "   "                     | ""
            20                        | ""
            020                       | ""
            12345                     | ""
            2020-13-01                | month 13 is not 01 to 12
            2020-00                   | month 00 is not 01 to 12
            2021-02-30                | February 2021 has days 1 to 28
            2021-02-29                | February 2021 has days 1 to 28
            1900-02-29                | February 1900 has days 1 to 28
            2020-04-31                | April 2020 has days 1 to 30
            2020-01-00                | January 2020 has days 1 to 31
            2020-Q5                   | quarter 5 is not 1 to 4
            2020Q0                    | quarter 0 is not 1 to 4
            2020-q1                   | ""
            2020Q                     | ""
            2020-Q12                  | ""
            2020-1-5                  | months and days take two digits, as in 2020-01-05
            2020-01-5                 | months and days take two digits, as in 2020-01-05
            2020-1                    | months and days take two digits, as in 2020-01-05
            31/01/2020                | the year comes first, as in 2020-01-31
            01.31.2020                | the year comes first, as in 2020-01-31
            2020-01/31                | ""
            2020/01-31                | ""
            2020.01.31                | ""
            20200131                  | ""
            2020-01-31T               | ""
            2020-01-31T13             | ""
            2020-01-31T13:5           | ""
            2020-01-31t13:05          | ""
            2020-01-31  13:05         | ""
            2020/01/31 13:05          | ""
            2020-01-31T24:00          | hour 24 is not 00 to 23
            2020-01-31T13:60          | minute 60 is not 00 to 59
            2020-01-31T23:59:60       | second 60 is not 00 to 59
            2020-01-31T13:05:00.      | ""
            2020-01-31T13:05:00.1234567890 | at most 9 digits after the seconds' '.', found 10
            2020-01-31T13:05.5        | ""
            2020-01-31T13:05z         | ""
            2020-01-31T13:05+0200     | ""
            2020-01-31T13:05+02       | ""
            2020-01-31T13:05+19:00    | offset +19:00 is not -18:00 to +18:00
            2020-01-31T13:05+02:60    | offset +02:60 is not -18:00 to +18:00
            2020-01-31Z               | ""
            2020Z                     | ""
            -2020                     | ""
            +2020                     | ""
            2020-01-31T13:05 Z        | ""
            13:05                     | ""
            """)
    void rejected(String cell, String reason) {
        InvalidDateException e = assertThrows(InvalidDateException.class, () -> Dates.parse(cell));
        assertEquals(cell, e.cell());
        assertEquals(reason, e.reason());
        assertTrue(e.getMessage().startsWith(Dates.EXPECTED + ", found "), e.getMessage());
        assertEquals(Optional.empty(), Dates.tryParse(cell));
    }

    @Test
    void messagesReadAsTheCallerWritesThem() {
        assertEquals("expected a date such as 2020-01-31, 2020-01, 2020, 2020-Q1 or 2020-01-31T13:00, found 'abc'",
                assertThrows(InvalidDateException.class, () -> Dates.parse("abc")).getMessage());
        assertEquals(Dates.EXPECTED + ", found an empty cell",
                assertThrows(InvalidDateException.class, () -> Dates.parse(" ")).getMessage());
        assertEquals(Dates.EXPECTED + ", found '2021-02-30' (February 2021 has days 1 to 28)",
                assertThrows(InvalidDateException.class, () -> Dates.parse("2021-02-30")).getMessage());
        assertTrue(IllegalArgumentException.class.isAssignableFrom(InvalidDateException.class));
    }

    @Test
    void leapYears() {
        assertEquals(t("2020-02-29T00:00"), Dates.parse("2020-02-29").dateTime());
        assertEquals(t("2000-02-29T00:00"), Dates.parse("2000/02/29").dateTime());
        assertEquals(t("2024-02-29T23:59:59"), Dates.parse("2024-02-29 23:59:59").dateTime());
        assertFalse(Dates.tryParse("2100-02-29").isPresent());
        assertFalse(Dates.tryParse("2023-02-29T00:00").isPresent());
        // Offsets cross into the leap day, and out of it.
        assertEquals(t("2024-02-29T23:00"), Dates.parse("2024-03-01T01:00+02:00").dateTime());
        assertEquals(t("2024-03-01T01:00"), Dates.parse("2024-02-29T23:00-02:00").dateTime());
    }

    @Test
    void formatWritesOtherDatesInTheSameStyle() {
        Style quarter = Dates.parse("2020Q1").style();
        assertEquals("2020Q3", Dates.format(t("2020-08-17T10:00"), quarter));
        Style month = Dates.parse("2020/01").style();
        assertEquals("2021/11", Dates.format(t("2021-11-30T23:00"), month));
        Style minute = Dates.parse("2020-01-31 13:05").style();
        assertEquals("2020-02-01 00:15", Dates.format(t("2020-02-01T00:15:59"), minute));
        Style fraction = Dates.parse("2020-01-31T13:05:00.5").style();
        assertEquals("2020-01-31T13:05:01.0", Dates.format(t("2020-01-31T13:05:01"), fraction));
        assertEquals("2020-01-31T13:05:01.25", Dates.format(t("2020-01-31T13:05:01.25"), fraction));
        Style year = Dates.parse("1880").style();
        assertEquals("0042", Dates.format(t("0042-06-01T00:00"), year));
        assertThrows(IllegalArgumentException.class, () -> Dates.format(t("+10000-01-01T00:00"), year));
    }

    @Test
    void plainStyles() {
        LocalDateTime x = t("2020-07-04T09:08:07.5");
        assertEquals("2020", Dates.format(x, Style.of(Granularity.YEAR)));
        assertEquals("2020-Q3", Dates.format(x, Style.of(Granularity.QUARTER)));
        assertEquals("2020-07", Dates.format(x, Style.of(Granularity.MONTH)));
        assertEquals("2020-07-04", Dates.format(x, Style.of(Granularity.DAY)));
        assertEquals("2020-07-04T09:08", Dates.format(x, Style.of(Granularity.MINUTE)));
        assertEquals("2020-07-04T09:08:07", Dates.format(x, Style.of(Granularity.SECOND)));
        assertEquals("2020-07-04T09:08:07.500", Dates.format(x, Style.of(Granularity.SUB_SECOND)));
        assertTrue(Granularity.MINUTE.hasTime());
        assertFalse(Granularity.DAY.hasTime());
    }

    @Test
    void styleRejectsSpellingsThatAreNotAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.DAY, "", 'T', 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.MINUTE, "/", 'T', 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.MINUTE, "-", 'x', 0, false));
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.SECOND, "-", 'T', 3, false));
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.SUB_SECOND, "-", 'T', 10, false));
        assertThrows(IllegalArgumentException.class, () -> new Style(Granularity.DAY, "-", 'T', 0, true));
        assertThrows(IllegalArgumentException.class, () -> new Style(null, "-", 'T', 0, false));
    }
}

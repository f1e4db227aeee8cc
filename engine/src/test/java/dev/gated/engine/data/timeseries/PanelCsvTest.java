package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelCsvTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    /** One series (no id column): targets {@code out}, observed inputs {@code in}. */
    private static Series read(Path f, List<String> in, List<String> out, String date, NanPolicy policy) {
        Panel p = PanelCsv.read(f, layout(in, out, List.of(), null, date), policy, false);
        assertEquals(1, p.size());
        return p.get(0);
    }

    private static PanelCsv.Layout layout(List<String> in, List<String> out, List<String> known, String id,
                                          String date) {
        return new PanelCsv.Layout(new PanelColumns(out, in, known), Optional.ofNullable(id),
                Optional.ofNullable(date));
    }

    private static double[] column(Series s, int c) {
        return s.values(c, 0, s.length());
    }

    private DataFormatException fails(String content, List<String> in, List<String> out, String date,
                                      NanPolicy policy) throws IOException {
        return fails(content, layout(in, out, List.of(), null, date), policy, false);
    }

    private DataFormatException fails(String content, PanelCsv.Layout layout, NanPolicy policy, boolean future)
            throws IOException {
        Path f = write(content);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> PanelCsv.read(f, layout, policy, future));
        assertTrue(e.getMessage().startsWith(f.toString() + ":"), e.getMessage());
        return e;
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void readsQuotedFieldsAndCrlf() throws IOException {
        Path f = write("date,\"temp, C\",note,load\r\n"
                + "\"2020-01-01\",1.5,\"say \"\"hi\"\", ok\",10\r\n"
                + "2020-01-02, -2.25 ,,\"11\"\r\n"
                + "2020-01-03,3e1,\"two\r\nlines\",1.2E-1\r\n");
        Panel p = PanelCsv.read(f, layout(List.of("temp, C", "load"), List.of("load"), List.of(), null, "date"),
                NanPolicy.ERROR, false);
        Series s = p.get(0);
        assertEquals(3, s.length());
        assertEquals(List.of("load", "temp, C"), p.columns().all());
        assertArrayEquals(new double[] {1.5, -2.25, 30}, column(s, 1));
        assertArrayEquals(new double[] {10, 11, 0.12}, column(s, 0));
        assertEquals(List.of("2020-01-01", "2020-01-02", "2020-01-03"), List.of(s.label(0), s.label(1), s.label(2)));
        assertEquals(LocalDateTime.of(2020, 1, 4, 0, 0), s.date(3), "dates continue at the frequency");
        assertEquals("2020-01-04", s.label(3));
        assertEquals("daily", p.frequency().orElseThrow().describe());
        assertEquals(0, p.droppedRows());
        assertEquals(f.toString(), p.source());
        assertEquals("", s.id());
        assertEquals(3, s.line(1));
    }

    @Test
    void readsLfWithBomBlankLinesAndNoFinalNewline() throws IOException {
        Path f = write("\uFEFFa,b\n1,2\n\n3,4");
        Series s = read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertArrayEquals(new double[] {1, 3}, column(s, 1));
        assertArrayEquals(new double[] {2, 4}, column(s, 0));
        assertTrue(!s.hasDates());
        assertEquals("1", s.label(1));
    }

    @Test
    void columnMayBeInputAndTarget() throws IOException {
        Path f = write("x,y\n1,5\n2,6\n");
        Panel p = PanelCsv.read(f, layout(List.of("y", "x"), List.of("y"), List.of(), null, null), NanPolicy.ERROR,
                false);
        assertEquals(List.of("y", "x"), p.columns().all());
        assertArrayEquals(new double[] {5, 6}, column(p.get(0), 0));
    }

    @Test
    void missingColumnListsColumnsAndSuggests() throws IOException {
        DataFormatException e = fails("date,temp,load\n1,2,3\n", List.of("temp"), List.of("lod"), null,
                NanPolicy.ERROR);
        assertContains(e.getMessage(), ":1:", "expected a column named 'lod'", "'date', 'temp', 'load'",
                "did you mean 'load'?");
        e = fails("date,temp,load\n1,2,3\n", List.of("temp"), List.of("load"), "Date", NanPolicy.ERROR);
        assertContains(e.getMessage(), "'Date'", "did you mean 'date'?");
        e = fails("date,temp,load\n1,2,3\n", List.of("humidity"), List.of("load"), null, NanPolicy.ERROR);
        assertTrue(!e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void raggedRow() throws IOException {
        DataFormatException e = fails("a,b,c\n1,2,3\n4,5\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3:", "expected 3 fields", "found 2");
        e = fails("a,b,c\r\n1,2,3,4\r\n", List.of("a"), List.of("b"), null, NanPolicy.DROP);
        assertContains(e.getMessage(), ":2:", "expected 3 fields", "found 4");
    }

    @Test
    void nonNumericCellIsAnErrorUnderEveryPolicy() throws IOException {
        for (NanPolicy p : NanPolicy.values()) {
            DataFormatException e = fails("a,temp\n1,2\n3,abc\n", List.of("a"), List.of("temp"), null, p);
            assertContains(e.getMessage(), ":3: column 2 ('temp'): expected a number, found 'abc'");
        }
        for (String bad : new String[] {"0x10", "1f", "1d", "1,5", "--1", "1e", "."}) {
            String cell = bad.contains(",") ? "\"" + bad + "\"" : bad;
            DataFormatException e = fails("a,b\n1,2\n" + cell + ",3\n", List.of("a"), List.of("b"), null,
                    NanPolicy.ERROR);
            assertContains(e.getMessage(), ":3: column 1 ('a'): expected a number, found '" + bad + "'");
        }
    }

    @Test
    void lineNumbersCountLinesInsideQuotedFields() throws IOException {
        DataFormatException e = fails("a,note,b\n1,\"x\ny\nz\",2\n3,ok,x\n", List.of("a"), List.of("b"), null,
                NanPolicy.ERROR);
        assertContains(e.getMessage(), ":5: column 3 ('b'): expected a number, found 'x'");
    }

    @Test
    void emptyCellAndNanTextWithErrorPolicy() throws IOException {
        DataFormatException e = fails("a,b\n1,2\n,3\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3: column 1 ('a'): expected a finite number, found an empty cell",
                "nan_policy");
        for (String nan : new String[] {"nan", "NaN", "inf", "-Inf", "Infinity"}) {
            e = fails("a,b\n1,2\n4," + nan + "\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
            assertContains(e.getMessage(), ":3: column 2 ('b'): expected a finite number, found '" + nan + "'");
        }
        e = fails("a,b\n1,1e999\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":2: column 2 ('b')", "too large");
    }

    @Test
    void unselectedColumnsMayHoldAnything() throws IOException {
        Path f = write("a,junk,b\n1,,2\n3,NaN,4\n");
        Series s = read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertEquals(2, s.length());
    }

    @Test
    void dropPolicyRemovesRowsAndCountsThem() throws IOException {
        Path f = write("d,a,b\n2020-01,1,10\n2020-02,,20\n2020-03,3,nan\n2020-04,4,40\n2020-05,5,50\n");
        Panel p = PanelCsv.read(f, layout(List.of("a"), List.of("b"), List.of(), null, "d"), NanPolicy.DROP, false);
        Series s = p.get(0);
        assertEquals(2, p.droppedRows());
        assertArrayEquals(new double[] {1, 4, 5}, column(s, 1));
        assertArrayEquals(new double[] {10, 40, 50}, column(s, 0));
        assertEquals(List.of("2020-01", "2020-04", "2020-05"), List.of(s.label(0), s.label(1), s.label(2)));
        // The dropped rows break the series: row 0 is one segment, rows 1-2 another.
        assertArrayEquals(new int[] {0, 1}, s.segmentStarts());
        assertEquals(0, s.segmentStart(0));
        assertEquals(1, s.segmentEnd(0));
        assertEquals(1, s.segmentStart(2));
        assertEquals(3, s.segmentEnd(2));
    }

    @Test
    void dropPolicyWithNothingLeft() throws IOException {
        DataFormatException e = fails("a,b\n1,\n,2\n", List.of("a"), List.of("b"), null, NanPolicy.DROP);
        assertContains(e.getMessage(), "found none", "all 2 rows dropped");
    }

    @Test
    void interpolatePolicyFillsInteriorGapsPerColumn() throws IOException {
        Path f = write("a,b\n1,10\n,20\n,inf\n7,40\n9,50\n");
        Panel p = PanelCsv.read(f, layout(List.of("a"), List.of("b"), List.of(), null, null), NanPolicy.INTERPOLATE,
                false);
        assertArrayEquals(new double[] {1, 3, 5, 7, 9}, column(p.get(0), 1), 1e-12);
        assertArrayEquals(new double[] {10, 20, 30, 40, 50}, column(p.get(0), 0), 1e-12);
        assertEquals(3, p.interpolatedCells());
        assertEquals(0, p.droppedRows());
        assertArrayEquals(new int[] {0}, p.get(0).segmentStarts(), "interpolation leaves no break");
    }

    @Test
    void interpolatePolicyFailsOnLeadingAndTrailingGaps() throws IOException {
        DataFormatException e = fails("a,b\n1,\n2,\n3,30\n", List.of("a"), List.of("b"), null,
                NanPolicy.INTERPOLATE);
        assertContains(e.getMessage(), ":2-3: column 2 ('b')", "gap at the start");
        e = fails("a,b\n1,10\n2,20\nnan,30\n", List.of("a"), List.of("b"), null, NanPolicy.INTERPOLATE);
        assertContains(e.getMessage(), ":4: column 1 ('a')", "gap at the end");
        e = fails("a,b\n1,\n2,\n", List.of("a"), List.of("b"), null, NanPolicy.INTERPOLATE);
        assertContains(e.getMessage(), "column 2 ('b')", "only missing values");
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        DataFormatException e = fails("", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":1:", "expected a header row", "empty file");
        e = fails("\r\n\r\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), "empty file");
        e = fails("a,b\r\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":1:", "expected at least one data row", "only the header");
    }

    @Test
    void badQuotingAndDuplicateHeader() throws IOException {
        DataFormatException e = fails("a,b\n1,\"2\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":2: column 2", "closing '\"'", "end of the file");
        e = fails("a,b\n1,\"2\"x\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":2: column 2", "found 'x'");
        e = fails("a,b\n1,2\"\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":2: column 2", "quote");
        e = fails("a,b,a\n1,2,3\n", List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertContains(e.getMessage(), ":1: column 3", "distinct column names", "'a'");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.csv");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR));
        assertContains(e.getMessage(), f.toString(), "no such file");
    }

    @Test
    void nanPolicyParses() {
        assertEquals(NanPolicy.DROP, NanPolicy.parse("drop"));
        assertEquals(NanPolicy.INTERPOLATE, NanPolicy.parse(" Interpolate "));
        assertEquals("error", NanPolicy.ERROR.key());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NanPolicy.parse("skip"));
        assertContains(e.getMessage(), "error, drop, interpolate", "'skip'");
    }

    @Test
    void dateCellsMustParse() throws IOException {
        DataFormatException e = fails("date,y\n2020-01-01,1\nabc,2\n", List.of("y"), List.of("y"), "date",
                NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3: column 1 ('date'): ", Dates.EXPECTED, "found 'abc'");
        for (NanPolicy policy : NanPolicy.values()) {
            e = fails("date,y\n2020-01-01,1\n,2\n", List.of("y"), List.of("y"), "date", policy);
            assertContains(e.getMessage(), ":3: column 1 ('date'): ", "found an empty cell");
        }
        e = fails("y,date\n1,2020-01-01\n2,2020-02-30\n", List.of("y"), List.of("y"), "date", NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3: column 2 ('date'): ", "2020-02-30");
    }

    @Test
    void datesMustIncreaseWithinASeries() throws IOException {
        DataFormatException e = fails("date,y\n2020-01-02,1\n2020-01-01,2\n", List.of("y"), List.of("y"), "date",
                NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3: column 1 ('date'): ", "expected a date after '2020-01-02' (line 2)",
                "earlier (out of order)");
        e = fails("date,y\n2020-01-01,1\n2020-01-01,2\n", List.of("y"), List.of("y"), "date", NanPolicy.ERROR);
        assertContains(e.getMessage(), ":3:", "repeated");
        // The same dates in two series are fine; repeated within one is not, named with its id.
        String ok = "id,date,y\na,2020-01,1\nb,2020-01,5\na,2020-02,2\nb,2020-02,6\n";
        Panel p = PanelCsv.read(write(ok), layout(List.of("y"), List.of("y"), List.of(), "id", "date"),
                NanPolicy.ERROR, false);
        assertEquals(2, p.size());
        assertEquals(List.of("a", "b"), List.of(p.get(0).id(), p.get(1).id()));
        assertArrayEquals(new double[] {5, 6}, column(p.get(1), 0));
        assertEquals(5, p.get(1).line(1), "rows keep their file lines");
        assertEquals("monthly", p.frequency().orElseThrow().describe());
        e = fails("id,date,y\na,2020-01,1\nb,2020-01,5\nb,2020-01,6\n",
                layout(List.of("y"), List.of("y"), List.of(), "id", "date"), NanPolicy.ERROR, false);
        assertContains(e.getMessage(), ":4: column 2 ('date'): ", "in series 'b'", "repeated");
    }

    @Test
    void seriesIdColumn() throws IOException {
        DataFormatException e = fails("series,y\na,1\n,2\n", layout(List.of("y"), List.of("y"), List.of(),
                "series", null), NanPolicy.ERROR, false);
        assertContains(e.getMessage(), ":3: column 1 ('series'): expected a series id, found an empty cell");
        e = fails("series,y\na,1\n", layout(List.of("y"), List.of("y"), List.of(), "sreies", null),
                NanPolicy.ERROR, false);
        assertContains(e.getMessage(), ":1:", "expected a column named 'sreies'", "did you mean 'series'?");
    }

    @Test
    void futureRowsForPrediction() throws IOException {
        String csv = "date,y,promo\n2020-01,1,0\n2020-02,2,1\n2020-03,,1\n2020-04,,0\n";
        PanelCsv.Layout l = layout(List.of("y"), List.of("y"), List.of("promo"), null, "date");
        Panel p = PanelCsv.read(write(csv), l, NanPolicy.ERROR, true);
        Series s = p.get(0);
        assertEquals(4, s.length());
        assertEquals(2, s.observed());
        assertTrue(Double.isNaN(s.value(0, 2)));
        assertEquals(0, s.value(1, 3));
        // Without future = true, the empty targets are missing values.
        DataFormatException e = fails(csv, l, NanPolicy.ERROR, false);
        assertContains(e.getMessage(), ":4: column 2 ('y')", "empty cell");
        // A known column must have its future values.
        e = fails("date,y,promo\n2020-01,1,0\n2020-02,2,1\n2020-03,,\n", l, NanPolicy.ERROR, true);
        assertContains(e.getMessage(), ":4: column 3 ('promo'): ", "known in advance", "future row",
                "empty cell");
    }
}

package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeSeriesCsvTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private DataFormatException fails(String content, List<String> in, List<String> out, String date,
                                      NanPolicy policy) throws IOException {
        Path f = write(content);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> TimeSeriesCsv.read(f, in, out, date, policy));
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
        TimeSeries s = TimeSeriesCsv.read(f, List.of("temp, C", "load"), List.of("load"), "date", NanPolicy.ERROR);
        assertEquals(3, s.length());
        assertEquals(List.of("temp, C", "load"), s.columns());
        assertEquals(List.of("load"), s.targetColumns());
        assertArrayEquals(new double[] {1.5, -2.25, 30}, s.column("temp, C"));
        assertArrayEquals(new double[] {10, 11, 0.12}, s.column("load"));
        assertEquals(List.of("2020-01-01", "2020-01-02", "2020-01-03"), s.dates().orElseThrow());
        assertEquals(0, s.droppedRows());
        assertEquals(f.toString(), s.source());
    }

    @Test
    void readsLfWithBomBlankLinesAndNoFinalNewline() throws IOException {
        Path f = write("\uFEFFa,b\n1,2\n\n3,4");
        TimeSeries s = TimeSeriesCsv.read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertArrayEquals(new double[] {1, 3}, s.column("a"));
        assertArrayEquals(new double[] {2, 4}, s.column("b"));
        assertTrue(s.dates().isEmpty());
    }

    @Test
    void columnMayBeInputAndTarget() throws IOException {
        Path f = write("x,y\n1,5\n2,6\n");
        TimeSeries s = TimeSeriesCsv.read(f, List.of("y", "x"), List.of("y"), null, NanPolicy.ERROR);
        assertEquals(List.of("y", "x"), s.columns());
        assertArrayEquals(new double[] {5, 6}, s.column("y"));
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
        TimeSeries s = TimeSeriesCsv.read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR);
        assertEquals(2, s.length());
    }

    @Test
    void dropPolicyRemovesRowsAndCountsThem() throws IOException {
        Path f = write("d,a,b\nd1,1,10\nd2,,20\nd3,3,nan\nd4,4,40\nd5,5,50\n");
        TimeSeries s = TimeSeriesCsv.read(f, List.of("a"), List.of("b"), "d", NanPolicy.DROP);
        assertEquals(2, s.droppedRows());
        assertArrayEquals(new double[] {1, 4, 5}, s.column("a"));
        assertArrayEquals(new double[] {10, 40, 50}, s.column("b"));
        assertEquals(List.of("d1", "d4", "d5"), s.dates().orElseThrow());
    }

    @Test
    void dropPolicyWithNothingLeft() throws IOException {
        DataFormatException e = fails("a,b\n1,\n,2\n", List.of("a"), List.of("b"), null, NanPolicy.DROP);
        assertContains(e.getMessage(), "found none", "all 2 rows dropped");
    }

    @Test
    void interpolatePolicyFillsInteriorGapsPerColumn() throws IOException {
        Path f = write("a,b\n1,10\n,20\n,inf\n7,40\n9,50\n");
        TimeSeries s = TimeSeriesCsv.read(f, List.of("a"), List.of("b"), null, NanPolicy.INTERPOLATE);
        assertArrayEquals(new double[] {1, 3, 5, 7, 9}, s.column("a"), 1e-12);
        assertArrayEquals(new double[] {10, 20, 30, 40, 50}, s.column("b"), 1e-12);
        assertEquals(3, s.interpolatedCells());
        assertEquals(0, s.droppedRows());
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
                () -> TimeSeriesCsv.read(f, List.of("a"), List.of("b"), null, NanPolicy.ERROR));
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
}

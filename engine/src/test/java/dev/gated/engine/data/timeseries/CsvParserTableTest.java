package dev.gated.engine.data.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The headed-table helpers of {@link CsvParser} that the sequence readers share. */
class CsvParserTableTest {
    @TempDir
    Path dir;

    private static void assertMessage(Runnable r, String... parts) {
        DataFormatException e = assertThrows(DataFormatException.class, r::run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void tableWithTrimmedHeaderAndRows() {
        CsvParser.Table t = CsvParser.table("\uFEFF a ,b\r\n1,\" 2.5e1 \"\n\n3,\n", "f.csv");
        assertEquals("f.csv", t.source());
        assertEquals(1, t.headerLine());
        assertEquals(List.of("a", "b"), t.header());
        assertEquals(2, t.rows().size());
        assertEquals(4, t.rows().get(1).line());
        assertEquals(1, t.column("b"));
        assertEquals(Optional.empty(), t.optionalColumn("c"));
        assertEquals(25.0, t.number(t.rows().get(0), 1, NanPolicy.ERROR));
        assertTrue(Double.isNaN(t.number(t.rows().get(1), 1, NanPolicy.DROP)));
        assertEquals("f.csv:4: column 2 ('b'): ", t.where(t.rows().get(1), 1));
    }

    @Test
    void numberErrors() {
        CsvParser.Table t = CsvParser.table("a,b\nx,inf\n1e999,\n", "f.csv");
        assertMessage(() -> t.number(t.rows().get(0), 0, NanPolicy.INTERPOLATE),
                "f.csv:2: column 1 ('a'): expected a number, found 'x'");
        assertMessage(() -> t.number(t.rows().get(0), 1, NanPolicy.ERROR),
                "f.csv:2: column 2 ('b'): expected a finite number, found 'inf'");
        assertMessage(() -> t.number(t.rows().get(1), 0, NanPolicy.ERROR), "too large for a double");
        assertMessage(() -> t.number(t.rows().get(1), 1, NanPolicy.ERROR), "found an empty cell");
    }

    @Test
    void tableErrors() {
        assertMessage(() -> CsvParser.table("", "f.csv"), "f.csv:1: expected a header row");
        assertMessage(() -> CsvParser.table("a,b\n", "f.csv"), "f.csv:1: expected at least one data row");
        assertMessage(() -> CsvParser.table("a,b,a\n1,2,3\n", "f.csv"),
                "f.csv:1: column 3: expected distinct column names, found 'a' again (also column 1)");
        assertMessage(() -> CsvParser.table("a,b\n1,2\n3\n", "f.csv"),
                "f.csv:3: expected 2 fields as in the header, found 1");
        CsvParser.Table t = CsvParser.table("temp,load\n1,2\n", "f.csv");
        assertMessage(() -> t.column("lod"), "f.csv:1: expected a column named 'lod' in the header, found only "
                + "'temp', 'load'; did you mean 'load'?");
    }

    @Test
    void readsFiles() throws IOException {
        Path f = dir.resolve("d.csv");
        Files.write(f, new byte[] {'a', '\n', (byte) 0xff, '\n'});
        assertMessage(() -> CsvParser.readTable(f), f + ": expected UTF-8 text");
        assertMessage(() -> CsvParser.readTable(dir.resolve("none.csv")), "expected a CSV file, found no such file");
        Files.writeString(f, "a\n1\n");
        assertEquals(List.of("a"), CsvParser.readTable(f).header());
    }
}

package dev.gated.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.data.timeseries.DataFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data.kind: text} reads a {@code .gz} file as the text it compresses. */
class GzipTextTest {
    @TempDir
    Path dir;

    private JobData load(String file) throws IOException {
        Path job = Files.writeString(dir.resolve("job-" + file + ".yaml"), "data:\n  kind: text\n  path: " + file
                + "\n  window: 8\ntask:\n  kind: language_model\n");
        JobConfig c = JobFiles.load(job).withPathsResolved(dir);
        return JobData.load(c, dir);
    }

    @Test
    void aGzippedTextTrainsLikeThePlainOne() throws IOException {
        String text = "In the beginning God created the heaven and the earth. Ünïcödé survives too.\n".repeat(20);
        Files.writeString(dir.resolve("t.txt"), text);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("t.txt.gz")))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        JobData plain = load("t.txt");
        JobData gz = load("t.txt.gz");
        assertEquals(plain.preprocessing().vocabulary(), gz.preprocessing().vocabulary());
        assertEquals(plain.train().size(), gz.train().size());
        assertArrayEquals(plain.train().batch(new int[] {0, 3}).labels(), gz.train().batch(new int[] {0, 3}).labels());
    }

    @Test
    void aFileNamedGzThatIsNotGzipIsAClearError() throws IOException {
        Files.writeString(dir.resolve("bad.txt.gz"), "plain text, not gzip");
        DataFormatException e = assertThrows(DataFormatException.class, () -> load("bad.txt.gz"));
        assertTrue(e.getMessage().contains("bad.txt.gz: expected gzip-compressed a UTF-8 text file"), e.getMessage());
    }
}

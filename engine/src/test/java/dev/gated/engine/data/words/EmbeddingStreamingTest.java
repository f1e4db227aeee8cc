package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large file with a small vocabulary: every line is read, only the vocabulary's rows are kept. */
class EmbeddingStreamingTest {
    private static final int LINES = 200_000;
    private static final int DIM = 50;

    @Test
    void keepsOnlyTheVocabularyRows(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.vec");
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write(LINES + " " + DIM + "\n");
            for (int i = 0; i < LINES; i++) {
                w.write("w");
                w.write(Integer.toString(i));
                for (int j = 0; j < DIM; j++) {
                    w.write(j == 0 ? " " + (i % 1000) : " 0.5");
                }
                w.write(" \n");
            }
        }
        List<String> wanted = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            wanted.add("w" + (k * 1999)); // spread over the file, the last near its end
        }
        WordVocabulary v = EmbeddingFiles.vocabulary(wanted.toArray(new String[0]));
        PretrainedEmbeddings e = PretrainedEmbeddings.load(f, v, DIM, 1);
        assertEquals(104, e.rows());
        assertEquals(104 * DIM, e.matrix().length, "only the vocabulary's rows are kept");
        assertEquals(100, e.coverage().found());
        assertEquals(LINES, e.coverage().fileVectors());
        float[] last = e.row(v.id("w" + 99 * 1999));
        assertEquals((99 * 1999) % 1000, last[0]);
        assertArrayEquals(new float[] {0.5f, 0.5f}, new float[] {last[1], last[DIM - 1]});
    }
}

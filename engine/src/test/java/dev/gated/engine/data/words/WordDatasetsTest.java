package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.DataFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TokenSequences batches, LabeledTexts (CSV and TSV) and the embedding-file dimension probe. */
class WordDatasetsTest {
    @TempDir
    Path dir;

    @Test
    void tokenBatchesArePaddedSequenceMajorWithOneLabelEach() {
        TokenSequences s = new TokenSequences(new int[][] {{4, 5, 6}, {7}}, new int[] {1, -1}, 2);
        assertEquals(1, s.inputSize());
        assertEquals(2, s.outputSize());
        assertEquals(3, s.length(0));
        SequenceBatch b = s.batch(new int[] {1, 0});
        assertEquals(3, b.seqLength());
        assertArrayEquals(new int[] {7, 4, 0, 5, 0, 6}, b.tokens());
        assertArrayEquals(new int[] {1, 3}, b.lengths());
        assertArrayEquals(new int[] {0, 1}, b.labels(), "no label: placeholder class 0");
        assertEquals(1, s.subset(new int[] {1}).size());
        assertThrows(IllegalArgumentException.class, () -> new TokenSequences(new int[][] {{}}, new int[] {0}, 1));
        assertThrows(IllegalArgumentException.class, () -> s.batch(new int[] {2}));
    }

    @Test
    void csvIsQuotedAndTsvIsTakenAsItIs() throws IOException {
        Path csv = EmbeddingFiles.text(dir, "a.csv", "id,text,label\n1,\"hello, \"\"you\"\"\",x\n2,bye,y\n");
        LabeledTexts c = LabeledTexts.read(csv, "text", "label", false);
        assertEquals(List.of("hello, \"you\"", "bye"), c.texts());
        assertEquals(List.of("x", "y"), c.labels());
        assertEquals(List.of(2, 3), c.lines());
        Path tsv = EmbeddingFiles.text(dir, "a.TSV", "text\tlabel\n\"quoted\" start, comma\t x \n");
        LabeledTexts t = LabeledTexts.read(tsv, "text", "label", false);
        assertEquals(List.of("\"quoted\" start, comma"), t.texts());
        assertEquals(List.of("x"), t.labels());
        LabeledTexts unlabeled = LabeledTexts.read(EmbeddingFiles.text(dir, "u.tsv", "text\nhi\n"), "text", "label",
                true);
        assertFalse(unlabeled.hasLabels());
        DataFormatException e = assertThrows(DataFormatException.class, () -> LabeledTexts.read(
                EmbeddingFiles.text(dir, "u2.tsv", "text\nhi\n"), "text", "label", false));
        assertTrue(e.getMessage().contains("u2.tsv:1: expected a column named 'label'"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> LabeledTexts.read(
                EmbeddingFiles.text(dir, "bad.tsv", "text\tlabel\na\tb\tc\n"), "text", "label", false));
        assertTrue(e.getMessage().contains("bad.tsv:2: expected 2 fields as in the header, found 3"), e.getMessage());
    }

    @Test
    void theDimensionIsReadFromTheHeaderOrTheFirstVector() throws IOException {
        assertEquals(3, PretrainedEmbeddings.dimension(EmbeddingFiles.text(dir, "v.vec", "1 3\na 1 2 3\n"),
                EmbeddingFormat.VEC));
        assertEquals(2, PretrainedEmbeddings.dimension(EmbeddingFiles.text(dir, "g.txt", "\na 1 2\nb 1\n"),
                EmbeddingFormat.GLOVE), "only the first vector is read");
        Path bin = EmbeddingFiles.bytes(dir, "w.bin", EmbeddingFiles.word2vec(EmbeddingFiles.vectors("a",
                new float[] {1, 2, 3, 4, 5}), 5, true));
        assertEquals(5, PretrainedEmbeddings.dimension(bin, EmbeddingFormat.WORD2VEC));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PretrainedEmbeddings.dimension(
                dir.resolve("none.vec"), EmbeddingFormat.VEC));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        e = assertThrows(DataFormatException.class, () -> PretrainedEmbeddings.dimension(
                EmbeddingFiles.text(dir, "empty.txt", ""), EmbeddingFormat.GLOVE));
        assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    }
}

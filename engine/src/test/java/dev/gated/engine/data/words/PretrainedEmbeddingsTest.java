package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainedEmbeddingsTest {
    // ids: 4 the, 5 cat, 6 Paris, 7 zebra
    private static final WordVocabulary VOCAB = EmbeddingFiles.vocabulary("the", "cat", "Paris", "zebra");
    private static final String GLOVE = "the 0.1 0.2 0.3\ncat 1 2 3\nparis 4 5 6\ndog 7 8 9\nthe 9 9 9\n";

    @TempDir
    Path dir;

    private static void assertFound(PretrainedEmbeddings e) {
        assertEquals(8, e.rows());
        assertEquals(3, e.dimension());
        assertArrayEquals(new float[] {0, 0, 0}, e.row(WordVocabulary.PAD_ID));
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, e.row(4), "first of the duplicates wins");
        assertArrayEquals(new float[] {1, 2, 3}, e.row(5));
        assertArrayEquals(new float[] {4, 5, 6}, e.row(6), "lower-cased match");
        assertTrue(e.isPretrained(6));
        assertFalse(e.isPretrained(7));
        assertFalse(e.isPretrained(WordVocabulary.PAD_ID));
        Coverage c = e.coverage();
        assertEquals(4, c.words());
        assertEquals(3, c.found());
        assertEquals(2, c.exact());
        assertEquals(1, c.lowercase());
        assertEquals(1, c.missing());
        assertEquals(0.75, c.fraction(), 1e-12);
        assertEquals(List.of("zebra"), c.missingExamples());
        assertEquals("3 of 4 words (75.0%) have pre-trained vectors: 2 exact, 1 lower-cased; missing e.g. zebra",
                c.summary());
    }

    @Test
    void gloveText() throws Exception {
        Path f = EmbeddingFiles.text(dir, "g.txt", GLOVE);
        PretrainedEmbeddings e = PretrainedEmbeddings.load(f, EmbeddingFormat.GLOVE, VOCAB, 3, 1);
        assertFound(e);
        assertEquals(5, e.coverage().fileVectors());
        assertEquals(e.matrix().length, 8 * 3);
    }

    @Test
    void fastTextVecWithHeaderTrailingSpacesAndCrLf() throws Exception {
        String vec = "5 3\r\n" + GLOVE.replace("\n", " \r\n");
        Path f = EmbeddingFiles.text(dir, "f.vec", vec);
        assertFound(PretrainedEmbeddings.load(f, EmbeddingFormat.VEC, VOCAB, 3, 1));
    }

    @Test
    void word2vecBinaryWithAndWithoutNewlines() throws Exception {
        for (boolean newlines : new boolean[] {true, false}) {
            byte[] bin = EmbeddingFiles.word2vec(EmbeddingFiles.vectors("the", new float[] {0.1f, 0.2f, 0.3f},
                    "cat", new float[] {1, 2, 3}, "paris", new float[] {4, 5, 6}, "dog", new float[] {7, 8, 9},
                    "the", new float[] {9, 9, 9}), 3, newlines);
            Path f = EmbeddingFiles.bytes(dir, "w" + newlines + ".bin", bin);
            PretrainedEmbeddings e = PretrainedEmbeddings.load(f, EmbeddingFormat.WORD2VEC, VOCAB, 3, 1);
            assertFound(e);
            assertEquals(5, e.coverage().fileVectors());
        }
    }

    @Test
    void word2vecUtf8Words() throws Exception {
        WordVocabulary v = EmbeddingFiles.vocabulary("señor", "naïve");
        byte[] bin = EmbeddingFiles.word2vec(EmbeddingFiles.vectors("Señor", new float[] {1, -1},
                "naïve", new float[] {2.5f, -0.5f}), 2, true);
        PretrainedEmbeddings e = PretrainedEmbeddings.load(EmbeddingFiles.bytes(dir, "u.bin", bin), v, 2, 7);
        assertArrayEquals(new float[] {1, -1}, e.row(4));
        assertArrayEquals(new float[] {2.5f, -0.5f}, e.row(5));
        assertEquals(1, e.coverage().lowercase());
    }

    @Test
    void exactSpellingReplacesAnEarlierLowerCasedMatch() throws Exception {
        WordVocabulary v = EmbeddingFiles.vocabulary("Paris", "paris", "Rome");
        Path f = EmbeddingFiles.text(dir, "g.txt", "PARIS 1 1\nParis 2 2\nParis 3 3\nrome 4 4\nROME 5 5\n");
        PretrainedEmbeddings e = PretrainedEmbeddings.load(f, v, 2, 1);
        assertArrayEquals(new float[] {2, 2}, e.row(4), "exact, first of its duplicates");
        assertArrayEquals(new float[] {1, 1}, e.row(5), "'paris' only lower-cased: the first such");
        assertArrayEquals(new float[] {4, 4}, e.row(6));
        assertEquals(new Coverage(3, 3, 1, 2, 5, List.of()), e.coverage());
    }

    @Test
    void missingRowsAreSeededNormalWithTheScaleOfTheFoundVectors() throws Exception {
        Path f = EmbeddingFiles.text(dir, "g.txt", "a 1 -1 1 -1\n");
        WordVocabulary v = EmbeddingFiles.vocabulary("a", "b", "c");
        PretrainedEmbeddings e1 = PretrainedEmbeddings.load(f, v, 4, 42);
        PretrainedEmbeddings e2 = PretrainedEmbeddings.load(f, v, 4, 42);
        PretrainedEmbeddings other = PretrainedEmbeddings.load(f, v, 4, 43);
        assertArrayEquals(e1.matrix(), e2.matrix());
        assertNotEquals(e1.row(5)[0], other.row(5)[0]);
        assertEquals(1.0, e1.initStd(), 1e-12);
        assertArrayEquals(new float[4], e1.row(0));
        for (int id : new int[] {1, 2, 3, 5, 6}) {
            assertFalse(e1.isPretrained(id));
            assertNotEquals(0f, e1.row(id)[0]);
        }
        // Found values 0.5 and -0.5 give σ = 0.5.
        Path g = EmbeddingFiles.text(dir, "h.txt", "a 0.5 -0.5\n");
        assertEquals(0.5, PretrainedEmbeddings.load(g, v, 2, 1).initStd(), 1e-7);
    }

    @Test
    void nothingFoundFallsBackToUnitNormal() throws Exception {
        Path f = EmbeddingFiles.text(dir, "g.txt", "x 1 2\n");
        PretrainedEmbeddings e = PretrainedEmbeddings.load(f, EmbeddingFiles.vocabulary("a"), 0, 1);
        assertEquals(2, e.dimension(), "expected dimension 0 takes the file's");
        assertEquals(1.0, e.initStd());
        assertEquals(new Coverage(1, 0, 0, 0, 1, List.of("a")), e.coverage());
    }

    @Test
    void missingExamplesAreTheTenMostFrequent() throws Exception {
        String[] words = new String[15];
        for (int k = 0; k < words.length; k++) {
            words[k] = "w" + (char) ('a' + k);
        }
        WordVocabulary v = EmbeddingFiles.vocabulary(words);
        Path f = EmbeddingFiles.text(dir, "g.txt", "wb 1\nwd 1\n");
        Coverage c = PretrainedEmbeddings.load(f, v, 1, 1).coverage();
        assertEquals(List.of("wa", "wc", "we", "wf", "wg", "wh", "wi", "wj", "wk", "wl"), c.missingExamples());
        assertEquals(13, c.missing());
    }

    @Test
    void specialTokensTakeAFileVectorButPadStaysZero() throws Exception {
        Path f = EmbeddingFiles.text(dir, "g.txt", "<pad> 1 1\n<unk> 2 2\n");
        PretrainedEmbeddings e = PretrainedEmbeddings.load(f, VOCAB, 2, 1);
        assertArrayEquals(new float[] {0, 0}, e.row(0));
        assertArrayEquals(new float[] {2, 2}, e.row(1));
        assertEquals(0, e.coverage().found(), "specials are not counted");
    }

    @Test
    void formatFromExtensionOrOption() {
        assertEquals(EmbeddingFormat.GLOVE, EmbeddingFormat.of(Path.of("glove.6B.50d.txt")));
        assertEquals(EmbeddingFormat.VEC, EmbeddingFormat.of(Path.of("cc.en.300.VEC")));
        assertEquals(EmbeddingFormat.WORD2VEC, EmbeddingFormat.of(Path.of("GoogleNews.bin")));
        assertEquals(EmbeddingFormat.WORD2VEC, EmbeddingFormat.parse("word2vec"));
        assertEquals(EmbeddingFormat.VEC, EmbeddingFormat.parse("Vec"));
        assertEquals("glove", EmbeddingFormat.GLOVE.option());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddingFormat.of(Path.of("vectors.gz")));
        assertTrue(e.getMessage().contains("name the format: glove, vec or word2vec"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EmbeddingFormat.parse("bert"));
        assertEquals("embedding format: expected glove, vec or word2vec, got 'bert'", e.getMessage());
    }
}

package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.data.timeseries.DataFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVocabularyTest {
    // the 3, cat 2, sat 2, a 1, dog 1: 9 tokens
    private static final List<List<String>> SENTENCES = List.of(List.of("the", "cat", "sat"),
            List.of("the", "dog", "sat"), List.of("the", "cat"), List.of("a"));
    private static final List<String> LONG = List.of("the", "cat", "sat", "dog", "a");

    private static WordVocabulary all() {
        return WordVocabulary.build(SENTENCES, 1, WordVocabulary.NO_LIMIT);
    }

    @Test
    void specialsFirstThenMostFrequentWithTiesAlphabetical() {
        WordVocabulary v = all();
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", "cat", "sat", "a", "dog"), v.words());
        assertEquals(9, v.size());
        assertEquals(0, v.id("<pad>"));
        assertEquals(1, v.id("<unk>"));
        assertEquals(2, v.id("<bos>"));
        assertEquals(3, v.id("<eos>"));
        assertEquals(4, v.id("the"));
        assertEquals("dog", v.word(8));
        assertEquals(3, v.count(4));
        assertEquals(0, v.count(0));
        assertEquals(9, v.trainingTokens());
        assertEquals(0, v.unknownTokens());
    }

    @Test
    void minCountDropsRareWordsAndCountsThemUnknown() {
        WordVocabulary v = WordVocabulary.build(SENTENCES, 2, WordVocabulary.NO_LIMIT);
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", "cat", "sat"), v.words());
        assertEquals(2, v.unknownTokens());
        assertEquals(WordVocabulary.UNK_ID, v.id("dog"));
    }

    @Test
    void maxSizeCountsTheSpecials() {
        WordVocabulary v = WordVocabulary.build(SENTENCES, 1, 6);
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "the", "cat"), v.words());
        assertEquals(4, v.unknownTokens());
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>"), WordVocabulary.build(SENTENCES, 1, 4).words());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordVocabulary.build(SENTENCES, 1, 3));
        assertTrue(e.getMessage().startsWith("max_size: expected >= 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.build(SENTENCES, 0, 10));
    }

    @Test
    void tiesDoNotDependOnInputOrder() {
        WordVocabulary a = WordVocabulary.build(List.of(List.of("b", "a", "c")), 1, WordVocabulary.NO_LIMIT);
        WordVocabulary b = WordVocabulary.build(List.of(List.of("c", "b", "a")), 1, WordVocabulary.NO_LIMIT);
        assertEquals(a.words(), b.words());
        assertEquals(List.of("a", "b", "c"), a.words().subList(4, 7));
    }

    @Test
    void literalSpecialTokensKeepTheirIds() {
        WordVocabulary v = WordVocabulary.build(List.of(List.of("<bos>", "x", "<unk>", "<eos>")), 1,
                WordVocabulary.NO_LIMIT);
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "x"), v.words());
        assertEquals(4, v.trainingTokens());
        assertEquals(1, v.unknownTokens());
    }

    @Test
    void unknownWordsAreUnkAndCounted() {
        WordVocabulary v = all();
        assertEquals(WordVocabulary.UNK_ID, v.id("zebra"));
        assertFalse(v.contains("zebra"));
        assertEquals(WordVocabulary.UNK_ID, v.id("The"), "lookup is case-sensitive");
        Encoded e = v.encode(List.of("the", "zebra", "cat", "yak"), 10, true, true, Truncation.END);
        assertArrayEquals(new int[] {2, 4, 1, 5, 1, 3}, e.ids());
        assertEquals(6, e.length());
        assertFalse(e.truncated());
        assertEquals(2, e.unknown());
        assertEquals("<bos> the <unk> cat <unk> <eos>", v.decode(e.ids()));
        assertThrows(IllegalArgumentException.class, () -> v.word(9));
    }

    @Test
    void truncationAtTheEndKeepsTheFirstTokensAndTheMarkers() {
        WordVocabulary v = all();
        Encoded e = v.encode(LONG, 4, true, true, Truncation.END);
        assertArrayEquals(new int[] {2, 4, 5, 3}, e.ids());
        assertTrue(e.truncated());
        assertArrayEquals(new int[] {4, 5}, v.encode(LONG, 2, false, false, Truncation.END).ids());
        assertArrayEquals(new int[] {2, 4, 5, 6}, v.encode(LONG, 4, true, false, Truncation.END).ids());
    }

    @Test
    void truncationAtTheStartKeepsTheLastTokens() {
        WordVocabulary v = all();
        assertArrayEquals(new int[] {2, 8, 7, 3}, v.encode(LONG, 4, true, true, Truncation.START).ids());
        assertArrayEquals(new int[] {8, 7}, v.encode(LONG, 2, false, false, Truncation.START).ids());
        assertArrayEquals(new int[] {6, 8, 7, 3}, v.encode(LONG, 4, false, true, Truncation.START).ids());
    }

    @Test
    void sentenceThatFitsExactlyIsNotTruncated() {
        Encoded e = all().encode(LONG, 7, true, true, Truncation.END);
        assertArrayEquals(new int[] {2, 4, 5, 6, 8, 7, 3}, e.ids());
        assertFalse(e.truncated());
        assertEquals(List.of(4, 5, 6, 8, 7), java.util.Arrays.stream(all().encode(LONG).ids()).boxed().toList());
    }

    @Test
    void emptySentenceGivesOnlyTheMarkers() {
        WordVocabulary v = all();
        assertArrayEquals(new int[] {2, 3}, v.encode(List.of(), 5, true, true, Truncation.END).ids());
        Encoded none = v.encode(List.of(), 5, false, false, Truncation.END);
        assertEquals(0, none.length());
        assertFalse(none.truncated());
    }

    @Test
    void maxLengthMustLeaveRoomForTheMarkers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> all().encode(LONG, 1, true, true, Truncation.END));
        assertEquals("max_length: expected >= 2 (room for <bos>/<eos>), got 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> all().encode(LONG, 0, false, false, Truncation.END));
        // Exactly the markers: every token is cut.
        assertArrayEquals(new int[] {2, 3}, all().encode(LONG, 2, true, true, Truncation.START).ids());
    }

    @Test
    void padFillsWithPadIds() {
        int[][] padded = WordVocabulary.pad(new int[][] {{2, 4}, {2, 4, 5, 3}, {}}, 4);
        assertArrayEquals(new int[][] {{2, 4, 0, 0}, {2, 4, 5, 3}, {0, 0, 0, 0}}, padded);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordVocabulary.pad(new int[][] {{1, 2, 3}}, 2));
        assertEquals("pad: row 0 has 3 ids, more than max_length 2", e.getMessage());
    }

    @Test
    void jsonRoundTrip(@TempDir Path dir) throws Exception {
        WordVocabulary v = WordVocabulary.build(List.of(List.of("é", "naïve", "x", "x"), List.of("\"q\"")), 1, 10);
        Path f = dir.resolve("vocabulary.json");
        v.write(f);
        WordVocabulary back = WordVocabulary.read(f);
        assertEquals(v, back);
        assertEquals(v.words(), back.words());
        assertEquals(2, back.count(4));
        assertEquals(v.trainingTokens(), back.trainingTokens());
        assertTrue(Files.readString(f).contains("\"format\" : \"gated-word-vocabulary\""));
        // The word list alone (as in preprocessing.json) rebuilds the same ids.
        WordVocabulary fromWords = WordVocabulary.of(v.words());
        assertEquals(v.words(), fromWords.words());
        assertEquals(v.id("x"), fromWords.id("x"));
    }

    @Test
    void badVocabularyFilesAreDataErrors(@TempDir Path dir) throws Exception {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> WordVocabulary.read(dir.resolve("none.json")));
        assertEquals(dir.resolve("none.json") + ": expected a word vocabulary file, found no such file",
                e.getMessage());
        e = assertThrows(DataFormatException.class, () -> WordVocabulary.fromJson("{", "v.json"));
        assertTrue(e.getMessage().startsWith("v.json: expected a word vocabulary file (JSON)"), e.getMessage());
        String swapped = all().toJson().replace("\"<bos>\"", "\"tmp\"").replace("\"<eos>\"", "\"<bos>\"");
        e = assertThrows(DataFormatException.class, () -> WordVocabulary.fromJson(swapped, "v.json"));
        assertEquals("v.json: vocabulary word 2: expected the special token <bos>, found 'tmp'", e.getMessage());
        String dup = all().toJson().replace("\"dog\"", "\"cat\"");
        e = assertThrows(DataFormatException.class, () -> WordVocabulary.fromJson(dup, "v.json"));
        assertEquals("v.json: vocabulary word 8: expected distinct words, found 'cat' again (also word 5)",
                e.getMessage());
        Path bad = dir.resolve("bad.json");
        Files.write(bad, new byte[] {'{', (byte) 0xff, '}'});
        e = assertThrows(DataFormatException.class, () -> WordVocabulary.read(bad));
        assertEquals(bad + ": expected UTF-8 text, found bytes that are not UTF-8", e.getMessage());
    }
}

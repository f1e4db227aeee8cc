package dev.gated.engine.data.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CharVocabularyTest {
    @Test
    void sortedDistinctCharacters() {
        CharVocabulary v = CharVocabulary.build("hello world");
        assertEquals(List.of(" ", "d", "e", "h", "l", "o", "r", "w"), v.symbols());
        assertEquals(8, v.size());
        assertEquals(4, v.index('l'));
        assertEquals(-1, v.index('x'));
        int[] ids = v.encode("hold", "prompt");
        assertArrayEquals(new int[] {3, 5, 4, 1}, ids);
        assertEquals("hold", v.decode(ids));
    }

    @Test
    void supplementaryCharactersAreOneSymbol() {
        CharVocabulary v = CharVocabulary.build("a\uD83D\uDE00b");
        assertEquals(List.of("a", "b", "\uD83D\uDE00"), v.symbols());
        assertArrayEquals(new int[] {2, 0}, v.encode("\uD83D\uDE00a", "text"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> v.encode("\uD83D\uDE00c", "prompt"));
        assertTrue(e.getMessage().contains("at offset 1"), e.getMessage());
    }

    @Test
    void unknownCharacterNamesItsOffsetAndTheVocabularySize() {
        CharVocabulary v = CharVocabulary.build("hello world");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.encode("hex", "prompt"));
        assertEquals("prompt: character 'x' (U+0078) at offset 2 is not in the model's vocabulary of 8 characters",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("he\n", "prompt"));
        assertTrue(e.getMessage().contains("character '\\n' (U+000A) at offset 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("\u0001", "prompt"));
        assertTrue(e.getMessage().contains("character U+0001 at offset 0"), e.getMessage());
    }

    @Test
    void ofIsTheInverseOfSymbols() {
        CharVocabulary v = CharVocabulary.build("the quick brown fox\n");
        assertEquals(v, CharVocabulary.of(v.symbols()));
        assertEquals(v.symbols(), CharVocabulary.of(v.symbols()).symbols());
    }

    @Test
    void ofRejectsBadSymbols() {
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharVocabulary.of(List.of("a", "ab")));
        assertTrue(e.getMessage().contains("symbol 1: expected exactly one character"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("b", "a")));
        assertTrue(e.getMessage().contains("increasing code point order"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(List.of("a", "a")));
    }

    @Test
    void badInputs() {
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.build(""));
        CharVocabulary v = CharVocabulary.build("ab");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {0, 2}));
        assertTrue(e.getMessage().contains("ids[1]: expected an index in [0, 2), got 2"), e.getMessage());
    }
}

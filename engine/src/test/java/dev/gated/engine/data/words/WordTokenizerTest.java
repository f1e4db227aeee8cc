package dev.gated.engine.data.words;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gated.engine.data.words.TokenizerOptions.Numbers;
import dev.gated.engine.data.words.TokenizerOptions.Punctuation;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    private static final String TEXT = "Hello, World! It's 3.14.";

    private static List<String> tokens(TokenizerOptions o, String text) {
        return new WordTokenizer(o).tokenize(text);
    }

    @Test
    void defaultsLowercaseAndSplitPunctuation() {
        assertEquals(List.of("hello", ",", "world", "!", "it's", "3.14", "."),
                tokens(TokenizerOptions.defaults(), TEXT));
    }

    @Test
    void caseIsKeptWithoutLowercase() {
        assertEquals(List.of("Hello", ",", "World", "!", "It's", "3.14", "."),
                tokens(TokenizerOptions.defaults().withLowercase(false), TEXT));
    }

    @Test
    void stripDropsPunctuationButItStillSeparates() {
        TokenizerOptions o = TokenizerOptions.defaults().withPunctuation(Punctuation.STRIP);
        assertEquals(List.of("hello", "world", "it's", "3.14"), tokens(o, TEXT));
        assertEquals(List.of("a", "b"), tokens(o, "a--b"));
    }

    @Test
    void keepLeavesPunctuationAttachedAndCutsAtSpacesOnly() {
        TokenizerOptions o = TokenizerOptions.defaults().withPunctuation(Punctuation.KEEP);
        assertEquals(List.of("hello,", "world!", "it's", "3.14."), tokens(o, TEXT));
    }

    @Test
    void numbersAreMaskedAsOneToken() {
        TokenizerOptions o = TokenizerOptions.defaults().withNumbers(Numbers.MASK);
        assertEquals(List.of("hello", ",", "world", "!", "it's", "<num>", "."), tokens(o, TEXT));
        assertEquals(List.of("<num>", "<num>", "2nd", "mp3", "<num>", "-", "<num>"),
                tokens(o, "1,000 42 2nd mp3 2020-21"));
        // Attached punctuation makes a token that is not a number.
        TokenizerOptions keep = o.withPunctuation(Punctuation.KEEP);
        assertEquals(List.of("<num>", "42,"), tokens(keep, "3.14 42,"));
    }

    @Test
    void separatorsJoinOnlyBetweenDigits() {
        assertEquals(List.of("3", ".", "x", ",", "5"), tokens(TokenizerOptions.defaults(), "3.x,5"));
        assertEquals(List.of("1", ".", "5", "."), tokens(TokenizerOptions.defaults(), "1. 5."));
    }

    @Test
    void apostropheBetweenLettersIsPartOfTheWord() {
        TokenizerOptions o = TokenizerOptions.defaults();
        assertEquals(List.of("don't", "stop"), tokens(o, "Don't stop"));
        assertEquals(List.of("l’homme", "o'neil"), tokens(o, "L’homme O'Neil"));
        assertEquals(List.of("'", "quoted", "'"), tokens(o, "'quoted'"));
        assertEquals(List.of("rock", "'", "n", "'", "roll"), tokens(o, "rock 'n' roll"));
        assertEquals(List.of("don't"), tokens(o.withPunctuation(Punctuation.STRIP), "don't"));
    }

    @Test
    void unicodeLettersAndAccents() {
        TokenizerOptions o = TokenizerOptions.defaults();
        // Scripts without spaces between words (Chinese) are not segmented: a run of letters is one token.
        assertEquals(List.of("señor", "naïve", "café", "москва", "你好"),
                tokens(o, "Señor naïve CAFÉ Москва 你好"));
        // Decomposed accents: NFKC composes them; without it they are still one token (marks are word parts).
        String decomposed = "Sen\u0303or nai\u0308ve";
        assertEquals(List.of("señor", "naïve"), tokens(o, decomposed));
        assertEquals(List.of("sen\u0303or", "nai\u0308ve"), tokens(o.withNfkc(false), decomposed));
        // NFKC folds compatibility forms: full-width letters and digits, ligatures.
        assertEquals(List.of("abc", "12", "file"), tokens(o, "ＡＢＣ １２ \uFB01le"));
        assertEquals(List.of("ａｂｃ"), tokens(o.withNfkc(false), "ＡＢＣ"));
    }

    @Test
    void symbolsAndEmojiArePunctuationAndFormatCharactersVanish() {
        TokenizerOptions o = TokenizerOptions.defaults();
        assertEquals(List.of("hi", "\uD83D\uDE00", "$", "5"), tokens(o, "hi\uD83D\uDE00 $5"));
        assertEquals(List.of("cooperate", "ab"), tokens(o, "co\u00ADoperate a\u200Bb"));
        assertEquals(List.of("a", "b", "c"), tokens(o, "a\u00A0b\tc\n"));
    }

    @Test
    void emptyTextHasNoTokens() {
        assertEquals(List.of(), tokens(TokenizerOptions.defaults(), ""));
        assertEquals(List.of(), tokens(TokenizerOptions.defaults(), "  \n\t "));
        assertEquals(List.of(), tokens(TokenizerOptions.defaults().withPunctuation(Punctuation.STRIP), "?!"));
    }

    @Test
    void deterministic() {
        WordTokenizer t = new WordTokenizer(TokenizerOptions.defaults());
        assertEquals(t.tokenize(TEXT), t.tokenize(TEXT));
    }

    @Test
    void optionNamesParse() {
        assertEquals(Punctuation.SPLIT, Punctuation.parse("Split"));
        assertEquals(Punctuation.KEEP, Punctuation.parse("keep"));
        assertEquals(Numbers.MASK, Numbers.parse("mask"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Punctuation.parse("drop"));
        assertEquals("punctuation: expected one of split, strip, keep, got 'drop'", e.getMessage());
    }
}

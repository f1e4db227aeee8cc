package dev.gated.engine.metrics.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The expected strings are what sacreBLEU 2.6.0's Tokenizer13a prints for the same inputs (also in the fixture). */
class Tokenizer13aTest {
    private final Tokenizer13a tok = new Tokenizer13a();

    @Test
    void punctuationIsSplitOff() {
        assertEquals("Hello , world .", tok.tokenize("Hello, world."));
        assertEquals("a , b . c", tok.tokenize("a,b.c"));
        assertEquals("a . . . b", tok.tokenize("a...b"));
        assertEquals("$ 5.00 ( 50 % ) # tag @ user ~ tilde ^ caret ` tick ` { brace } [ bracket ] | pipe | \\ back"
                + " / slash", tok.tokenize("$5.00 (50%) #tag @user ~tilde ^caret `tick` {brace} [bracket] |pipe|"
                + " \\back/slash"));
        // the apostrophe is not in the symbol class: contractions stay whole
        assertEquals("It's O'Brien's", tok.tokenize("It's O'Brien's"));
        assertEquals("e . g . , U . S . A . 3 .", tok.tokenize("e.g., U.S.A. 3."));
    }

    @Test
    void numbersKeepTheirCommasAndPeriods() {
        assertEquals("1,000.5", tok.tokenize("1,000.5"));
        assertEquals("über 10.000,5 €", tok.tokenize("über 10.000,5 €"));
        // a period or comma is split off on the side where there is no digit
        assertEquals(". 5 , 5 5 . 5 ,", tok.tokenize(".5 ,5 5. 5,"));
    }

    @Test
    void dashesSplitOnlyAfterADigit() {
        assertEquals("1990 - 2000", tok.tokenize("1990-2000"));
        assertEquals("well-known", tok.tokenize("well-known"));
        assertEquals("-5 and 5 -", tok.tokenize("-5 and 5-"));
    }

    @Test
    void htmlEntitiesAreUnescapedOnceAndOnlyTheseFour() {
        assertEquals("\" x \" & < y > & apos ; z & apos ;", tok.tokenize("&quot;x&quot; &amp; &lt;y&gt; &apos;z&apos;"));
        // &amp; is replaced after &quot;, so &amp;quot; yields the text &quot;, which is then split
        assertEquals("& quot ;", tok.tokenize("&amp;quot;"));
    }

    @Test
    void skippedTagsLineBreaksAndWhitespace() {
        assertEquals("text", tok.tokenize("<skipped>text"));
        assertEquals("linebreak next", tok.tokenize("line-\nbreak\nnext"));
        assertEquals("leading and trailing", tok.tokenize("  leading and trailing  \t"));
        // U+00A0 is whitespace to Python's str.split, though not to Java's Character.isWhitespace
        assertEquals("nbsp inside", tok.tokenize("nbsp\u00a0inside"));
        assertEquals("", tok.tokenize(""));
        assertEquals(List.of("a", "b"), tok.tokens(" a\u2009b\u3000"));
    }

    @Test
    void nonAsciiPassesThroughAndSupplementaryCharactersStayWhole() {
        assertEquals("😀 !", tok.tokenize("😀!"));
        assertEquals("我们今天去公园。", tok.tokenize("我们今天去公园。"));
    }
}

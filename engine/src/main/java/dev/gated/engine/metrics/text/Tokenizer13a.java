package dev.gated.engine.metrics.text;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code 13a} tokeniser of sacreBLEU 2.x ({@code sacrebleu/tokenizers/tokenizer_13a.py} followed by
 * {@code tokenizer_re.py}), itself the tokenisation of mteval-v13a.pl used by WMT. It is BLEU's default tokeniser.
 *
 * <p>Steps, in sacreBLEU's order: remove {@code <skipped>}; join {@code "-\n"}; newline to space; unescape
 * {@code &quot; &amp; &lt; &gt;} (only these four, in this order, so {@code &amp;quot;} becomes {@code &quot;});
 * pad with a space each side; then four regular expressions: ASCII punctuation and symbols other than {@code ' , - .}
 * are split off; a period or comma is split off unless preceded by a digit, and again unless followed by one (so
 * {@code 1,000.5} stays whole); a dash after a digit is split off; finally whitespace (Python's definition) collapses
 * to single spaces and the ends are trimmed. The instance is stateless and thread-safe.
 */
public final class Tokenizer13a implements UnaryOperator<String> {
    /** The character class {@code [\{-\~\[-\` -\&\(-\+\:-\@\/]} of tokenizer_re.py, written as code point ranges. */
    private static final Pattern SYMBOL = Pattern.compile("([\\x7B-\\x7E\\x5B-\\x60\\x20-\\x26\\x28-\\x2B\\x3A-\\x40/])");
    private static final Pattern PERIOD_COMMA_NOT_AFTER_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_NOT_BEFORE_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /** Tokenises one segment; the tokens come back joined by single spaces. */
    public String tokenize(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = SYMBOL.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_NOT_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_NOT_BEFORE_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", PythonText.split(line));
    }

    /** The same as {@link #tokenize}, so the tokeniser can be passed where a {@code UnaryOperator} is expected. */
    @Override
    public String apply(String line) {
        return tokenize(line);
    }

    /** The tokens of {@code line}: {@link #tokenize} split at its spaces. */
    public List<String> tokens(String line) {
        return PythonText.split(tokenize(line));
    }
}

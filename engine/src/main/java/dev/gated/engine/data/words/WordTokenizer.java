package dev.gated.engine.data.words;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Cuts text into word tokens, deterministically (no locale, no dictionary), following {@link TokenizerOptions}.
 *
 * <p>Characters are classified by their Unicode category, so any script works:
 * <ul>
 *   <li><b>word characters</b>: letters, digits ({@link Character#isLetterOrDigit}) and combining marks (so a
 *       decomposed "naïve" stays one word even without NFKC);</li>
 *   <li><b>spaces</b>: whitespace, no-break spaces and control characters; they separate tokens and are never
 *       part of one;</li>
 *   <li><b>format characters</b> (category Cf: soft hyphen, zero-width space and joiners, BOM) are removed, so
 *       {@code "co\u00ADoperate"} is {@code cooperate};</li>
 *   <li><b>punctuation</b>: everything else (punctuation, symbols, emoji), handled by
 *       {@link TokenizerOptions.Punctuation}.</li>
 * </ul>
 *
 * <p>Two joiners keep common words whole in every punctuation mode: an apostrophe ({@code '} or {@code ’})
 * between two letters belongs to the word ({@code don't}, {@code l’homme} and {@code O'Neil} are one token each;
 * a leading or trailing apostrophe, as in {@code 'quoted'}, is punctuation), and a {@code .} or {@code ,} between
 * two digits belongs to the number ({@code 3.14}, {@code 1,000}). A number token is one that starts and ends with a
 * digit and holds only digits and those joiners; mixed tokens such as {@code 2nd} or {@code mp3} are words.
 *
 * <p>Order of the steps: NFKC (if on), tokenization, number masking, lower-casing ({@link Locale#ROOT}).
 */
public final class WordTokenizer implements TextTokenizer {
    /** The token that replaces numbers with {@link TokenizerOptions.Numbers#MASK}. */
    public static final String NUMBER = "<num>";

    private final TokenizerOptions options;

    public WordTokenizer(TokenizerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public TokenizerOptions options() {
        return options;
    }

    /** The tokens of {@code text}, in order; an empty list for a text without words. */
    @Override
    public List<String> tokenize(String text) {
        Objects.requireNonNull(text, "text");
        String s = options.nfkc() ? Normalizer.normalize(text, Normalizer.Form.NFKC) : text;
        int[] cps = s.codePoints().filter(cp -> Character.getType(cp) != Character.FORMAT).toArray();
        List<String> out = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < cps.length; i++) {
            int cp = cps[i];
            if (isSpace(cp)) {
                flush(token, out);
            } else if (isWordChar(cp) || joins(cps, i) || options.punctuation() == TokenizerOptions.Punctuation.KEEP) {
                token.appendCodePoint(cp);
            } else {
                flush(token, out);
                if (options.punctuation() == TokenizerOptions.Punctuation.SPLIT) {
                    out.add(finish(Character.toString(cp)));
                }
            }
        }
        flush(token, out);
        return out;
    }

    /** The tokens joined with single spaces. */
    @Override
    public String detokenize(List<String> tokens) {
        return String.join(" ", tokens);
    }

    private void flush(StringBuilder token, List<String> out) {
        if (token.length() > 0) {
            out.add(finish(token.toString()));
            token.setLength(0);
        }
    }

    private String finish(String token) {
        if (options.numbers() == TokenizerOptions.Numbers.MASK && isNumber(token)) {
            return NUMBER;
        }
        return options.lowercase() ? token.toLowerCase(Locale.ROOT) : token;
    }

    /** An apostrophe between letters, or a decimal/thousands separator between digits. */
    private static boolean joins(int[] cps, int i) {
        if (i == 0 || i + 1 >= cps.length) {
            return false;
        }
        int prev = cps[i - 1];
        int next = cps[i + 1];
        int cp = cps[i];
        if (cp == '\'' || cp == '\u2019') {
            return isLetterLike(prev) && isLetterLike(next);
        }
        if (cp == '.' || cp == ',') {
            return Character.isDigit(prev) && Character.isDigit(next);
        }
        return false;
    }

    private static boolean isLetterLike(int cp) {
        return Character.isLetter(cp) || isMark(cp);
    }

    static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || isMark(cp);
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp);
    }

    static boolean isNumber(String token) {
        int first = token.codePointAt(0);
        int last = token.codePointBefore(token.length());
        if (!Character.isDigit(first) || !Character.isDigit(last)) {
            return false;
        }
        return token.codePoints().allMatch(cp -> Character.isDigit(cp) || cp == '.' || cp == ',');
    }

    @Override
    public String toString() {
        return "WordTokenizer(" + options + ")";
    }
}

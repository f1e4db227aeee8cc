package dev.gated.engine.data.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The characters a character-level language model knows: the distinct Unicode code points of its training text,
 * in increasing code point order, character {@code k} being the model's input and output index {@code k}.
 *
 * <p>{@link #symbols()} gives each as a one-character string, to be saved with the model; {@link #of} reads them
 * back.
 */
public final class CharVocabulary {
    /** Sorted, distinct. */
    private final int[] codePoints;

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The distinct characters of {@code text}, sorted; an error for an empty text. */
    public static CharVocabulary build(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("vocabulary: expected a non-empty training text, got "
                    + (text == null ? "null" : "an empty one"));
        }
        return new CharVocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /**
     * The vocabulary whose {@link #symbols()} are {@code symbols}: single characters (code points), distinct, in
     * increasing order.
     */
    public static CharVocabulary of(List<String> symbols) {
        if (symbols == null || symbols.isEmpty()) {
            throw new IllegalArgumentException("vocabulary: expected at least one symbol, got none");
        }
        int[] cps = new int[symbols.size()];
        for (int k = 0; k < cps.length; k++) {
            String s = symbols.get(k);
            if (s == null || s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
                throw new IllegalArgumentException("vocabulary symbol " + k + ": expected exactly one character, got "
                        + (s == null ? "null" : "\"" + s + "\""));
            }
            cps[k] = s.codePointAt(0);
            if (k > 0 && cps[k] <= cps[k - 1]) {
                throw new IllegalArgumentException("vocabulary symbol " + k + ": expected distinct characters in "
                        + "increasing code point order, found " + describe(cps[k]) + " after "
                        + describe(cps[k - 1]));
            }
        }
        return new CharVocabulary(cps);
    }

    /** Each character as a string, index order. */
    public List<String> symbols() {
        List<String> out = new ArrayList<>(codePoints.length);
        for (int cp : codePoints) {
            out.add(Character.toString(cp));
        }
        return List.copyOf(out);
    }

    /** Number of characters, V. */
    public int size() {
        return codePoints.length;
    }

    /** Index of a character, or -1 if it is not in the vocabulary. */
    public int index(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i < 0 ? -1 : i;
    }

    /**
     * The indices of the characters of {@code text}.
     *
     * @param what names the text in the error message (e.g. "prompt")
     * @throws IllegalArgumentException for a character outside the vocabulary, naming it and its offset (counted
     *                                  in characters, i.e. code points, from 0)
     */
    public int[] encode(String text, String what) {
        int[] cps = text.codePoints().toArray();
        int[] ids = new int[cps.length];
        for (int k = 0; k < cps.length; k++) {
            ids[k] = index(cps[k]);
            if (ids[k] < 0) {
                throw new IllegalArgumentException(what + ": character " + describe(cps[k]) + " at offset " + k
                        + " is not in the model's vocabulary of " + codePoints.length + " characters");
            }
        }
        return ids;
    }

    /** The text of the given indices. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int k = 0; k < ids.length; k++) {
            if (ids[k] < 0 || ids[k] >= codePoints.length) {
                throw new IllegalArgumentException("decode: ids[" + k + "]: expected an index in [0, "
                        + codePoints.length + "), got " + ids[k]);
            }
            sb.appendCodePoint(codePoints[ids[k]]);
        }
        return sb.toString();
    }

    /** {@code 'x' (U+0078)}; control characters and other invisible ones are shown escaped, e.g. {@code '\n'}. */
    static String describe(int cp) {
        String shown = switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(cp) || !Character.isDefined(cp) || Character.getType(cp)
                    == Character.FORMAT ? "" : Character.toString(cp);
        };
        String code = String.format("U+%04X", cp);
        return shown.isEmpty() ? code : "'" + shown + "' (" + code + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharVocabulary v && Arrays.equals(codePoints, v.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharVocabulary(" + codePoints.length + " characters)";
    }
}

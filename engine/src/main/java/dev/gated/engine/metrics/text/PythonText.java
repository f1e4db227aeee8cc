package dev.gated.engine.metrics.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The few Python {@code str} operations sacreBLEU relies on, with Python's notion of whitespace.
 *
 * <p>Python's {@code str.split()}, {@code rstrip()} and {@code isspace()} treat 29 code points as whitespace, among
 * them U+00A0, U+2007 and U+202F (no-break spaces) and U+0085, which Java's {@link Character#isWhitespace} does not;
 * using Java's rule would tokenise "a\u00A0b" differently from sacreBLEU.
 */
final class PythonText {
    private PythonText() {
    }

    /** Whether Python's {@code str.isspace()} holds for this code point. */
    static boolean isSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Python's {@code s.split()}: the maximal runs of non-whitespace, in order. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /** Python's {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python's {@code ''.join(s.split())}: the text with every whitespace code point removed, as code points. */
    static int[] codePointsWithoutSpace(String s) {
        return s.codePoints().filter(cp -> !isSpace(cp)).toArray();
    }
}

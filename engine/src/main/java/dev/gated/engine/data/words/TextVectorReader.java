package dev.gated.engine.data.words;

import dev.gated.engine.data.timeseries.DataFormatException;
import java.nio.file.Path;

/**
 * Streams GloVe text ({@code word v1 ... vd} per line) and fastText {@code .vec} (the same after a
 * {@code count dim} header line) files, one line at a time. Fields are separated by spaces or tabs (fastText
 * ends each line with a space); blank lines are skipped; a UTF-8 byte order mark is ignored. Every line's field
 * count is checked, but values are parsed only for the words the sink keeps, which saves most of the parsing
 * when a large file meets a small vocabulary.
 */
final class TextVectorReader {
    private TextVectorReader() {
    }

    /**
     * @param header      true for {@code .vec} (a {@code count dim} first line)
     * @param expectedDim the dimension the vectors must have, or 0 for the file's
     * @return the number of vectors in the file
     */
    static long read(Path file, boolean header, int expectedDim, VectorSink sink) {
        String what = header ? "a fastText .vec file" : "a GloVe text file";
        try (ByteSource src = ByteSource.open(file, what)) {
            long line = 0;
            int dim = -1;
            long declared = -1;
            long records = 0;
            float[] v = null;
            while (src.readLine()) {
                line++;
                String text = src.lineText();
                if (text == null) {
                    throw new DataFormatException(file + ":" + line + ": expected UTF-8 text, found byte "
                            + ByteSource.hex(src.lineByte(src.badByte())) + " (byte " + (src.badByte() + 1)
                            + " of the line) that is not UTF-8");
                }
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (header && dim < 0) {
                    long[] h = header(text);
                    if (h == null) {
                        throw new DataFormatException(file + ":" + line + ": expected a header line 'count dim' "
                                + "(two whole numbers, dim >= 1) as .vec files start with, found '" + preview(text)
                                + "'" + (text.isBlank() ? "" : "; for a file without header use format glove"));
                    }
                    declared = h[0];
                    dim = (int) h[1];
                    checkDim(file, line, expectedDim, dim, "dimension " + dim + " in the header '" + text.trim() + "'");
                    sink.start(dim);
                    v = new float[dim];
                    continue;
                }
                if (text.isBlank()) {
                    continue;
                }
                int start = skip(text, 0);
                int end = fieldEnd(text, start);
                String word = text.substring(start, end);
                if (dim < 0) {
                    dim = countFields(text, end);
                    if (dim == 0) {
                        throw new DataFormatException(file + ":" + line + ": expected a word and its vector values, "
                                + "found only '" + preview(word) + "'");
                    }
                    if (dim == 1 && header(text) != null) {
                        throw new DataFormatException(file + ":" + line + ": expected a word and its vector values, "
                                + "found '" + text.trim() + "', which looks like the 'count dim' header of a .vec "
                                + "file; use format vec");
                    }
                    checkDim(file, line, expectedDim, dim, dim + " values after the word '" + preview(word) + "'");
                    sink.start(dim);
                    v = new float[dim];
                }
                boolean keep = sink.wants(word);
                int n = 0;
                int p = skip(text, end);
                while (p < text.length()) {
                    int e = fieldEnd(text, p);
                    if (keep && n < dim) {
                        v[n] = value(file, line, text.substring(p, e), n, dim, word);
                    }
                    n++;
                    p = skip(text, e);
                }
                if (n != dim) {
                    throw new DataFormatException(file + ":" + line + ": expected the word and " + dim + " values ("
                            + (header ? "the dimension in the header" : "as on the first line") + "), found " + n
                            + " value" + (n == 1 ? "" : "s") + " after the word '" + preview(word) + "'");
                }
                if (keep) {
                    sink.accept(v);
                }
                records++;
            }
            if (line == 0 || (records == 0 && !header) || dim < 0) {
                throw new DataFormatException(file + ": expected " + what + " with at least one word vector, found "
                        + (line == 0 ? "an empty file" : "no vectors"));
            }
            if (header && records != declared) {
                throw new DataFormatException(file + ":" + line + ": expected " + declared + " word vectors as the "
                        + "header says, found " + records + (records < declared ? " (is the file truncated?)" : ""));
            }
            if (records == 0) {
                throw new DataFormatException(file + ": expected at least one word vector, found none (the header "
                        + "says 0)");
            }
            return records;
        }
    }

    static void checkDim(Object where, Object at, int expectedDim, int dim, String found) {
        if (expectedDim > 0 && dim != expectedDim) {
            throw new DataFormatException(where + ":" + at + ": expected vectors of dimension " + expectedDim
                    + " (the expected dimension), found " + found);
        }
    }

    /** {@code [count, dim]} of a {@code count dim} line, or null. */
    static long[] header(String text) {
        String[] parts = text.trim().split("[ \t]+");
        if (parts.length != 2) {
            return null;
        }
        try {
            long count = Long.parseLong(parts[0]);
            long dim = Long.parseLong(parts[1]);
            return count < 0 || dim < 1 || dim > Integer.MAX_VALUE ? null : new long[] {count, dim};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static float value(Path file, long line, String field, int k, int dim, String word) {
        float f;
        try {
            f = Float.parseFloat(field);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file + ":" + line + ": column " + (k + 2) + " (value " + (k + 1) + " of "
                    + dim + " of the word '" + preview(word) + "'): expected a number, found '" + preview(field) + "'");
        }
        if (!Float.isFinite(f)) {
            throw new DataFormatException(file + ":" + line + ": column " + (k + 2) + " (value " + (k + 1) + " of "
                    + dim + " of the word '" + preview(word) + "'): expected a finite number, found '" + field + "'");
        }
        return f;
    }

    private static int countFields(String text, int from) {
        int n = 0;
        for (int p = skip(text, from); p < text.length(); p = skip(text, fieldEnd(text, p))) {
            n++;
        }
        return n;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }

    private static int skip(String s, int p) {
        while (p < s.length() && isSeparator(s.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int fieldEnd(String s, int p) {
        while (p < s.length() && !isSeparator(s.charAt(p))) {
            p++;
        }
        return p;
    }

    /** At most 40 characters of {@code s}, for messages. */
    static String preview(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

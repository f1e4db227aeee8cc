package dev.gated.engine.data.words;

import dev.gated.engine.data.timeseries.DataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Streams a word2vec binary file as the C tool writes it ({@code -binary 1}): an ASCII line {@code count dim},
 * then {@code count} records of the word's bytes, one space, {@code dim} little-endian float32 and (usually) a
 * {@code \n}. Like the C reader ({@code fscanf("%s")}), whitespace before a word is skipped, so the {@code \n}
 * is optional. Errors name the record (1-based) and its byte offset (0-based, the start of the word).
 */
final class Word2VecBinaryReader {
    /** Longer than any real word; a file that is not binary word2vec hits it soon. */
    static final int MAX_WORD_BYTES = 4096;
    private static final int MAX_HEADER_BYTES = 64;

    private Word2VecBinaryReader() {
    }

    /**
     * @param expectedDim the dimension the vectors must have, or 0 for the file's
     * @return the number of vectors in the file
     */
    static long read(Path file, int expectedDim, VectorSink sink) {
        try (ByteSource src = ByteSource.open(file, "a word2vec binary file")) {
            long[] h = header(file, src);
            long count = h[0];
            int dim = (int) h[1];
            if (expectedDim > 0 && dim != expectedDim) {
                throw new DataFormatException(file + ": header (byte offset 0): expected vectors of dimension "
                        + expectedDim + " (the expected dimension), found dimension " + dim + " in the header '"
                        + count + " " + dim + "'");
            }
            if ((long) dim * Float.BYTES > Integer.MAX_VALUE) {
                throw new DataFormatException(file + ": header (byte offset 0): dimension " + dim + " is too large");
            }
            sink.start(dim);
            byte[] raw = new byte[dim * Float.BYTES];
            ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[dim];
            byte[] word = new byte[64];
            for (long r = 1; r <= count; r++) {
                int b = src.read();
                while (b == '\n' || b == '\r' || b == ' ' || b == '\t') {
                    b = src.read();
                }
                long at = b < 0 ? src.offset() : src.offset() - 1;
                if (b < 0) {
                    throw new DataFormatException(where(file, r, at) + ": expected " + count + " records as the "
                            + "header says, found only " + (r - 1)
                            + " before the end of the file (is the file truncated?)");
                }
                int n = 0;
                while (b != ' ') {
                    if (b < 0) {
                        throw new DataFormatException(where(file, r, at) + ": expected a word ending in a space, "
                                + "found the end of the file after " + n + " bytes (is the file truncated?)");
                    }
                    if (n == MAX_WORD_BYTES) {
                        throw new DataFormatException(where(file, r, at) + ": expected a word ending in a space "
                                + "within " + MAX_WORD_BYTES + " bytes, found none; is this a word2vec binary file?");
                    }
                    if (n == word.length) {
                        word = Arrays.copyOf(word, word.length * 2);
                    }
                    word[n++] = (byte) b;
                    b = src.read();
                }
                String w = src.decode(word, 0, n);
                if (w == null) {
                    throw new DataFormatException(where(file, r, at) + ": expected the word in UTF-8, found byte "
                            + ByteSource.hex(word[src.badByte()]) + " at byte offset " + (at + src.badByte())
                            + " that is not UTF-8");
                }
                int got = src.readFully(raw, raw.length);
                if (got < raw.length) {
                    throw new DataFormatException(where(file, r, at) + ": expected " + raw.length + " bytes (" + dim
                            + " float32) of the vector of '" + TextVectorReader.preview(w) + "', found only " + got
                            + " before the end of the file (is the file truncated?)");
                }
                if (r == 1 && looksLikeText(raw)) {
                    throw new DataFormatException(where(file, r, at) + ": expected " + dim + " binary float32 "
                            + "after the word '" + TextVectorReader.preview(w)
                            + "', found text; for a text file use format vec (with a "
                            + "'count dim' header) or glove");
                }
                if (sink.wants(w)) {
                    for (int k = 0; k < dim; k++) {
                        v[k] = le.getFloat(k * Float.BYTES);
                        if (!Float.isFinite(v[k])) {
                            throw new DataFormatException(where(file, r, at) + ": value " + (k + 1) + " of "
                                    + dim + " of the word '" + TextVectorReader.preview(w)
                                    + "': expected a finite number, found "
                                    + v[k]);
                        }
                    }
                    sink.accept(v);
                }
            }
            return count;
        }
    }

    private static String where(Path file, long record, long offset) {
        return file + ": record " + record + " (byte offset " + offset + ")";
    }

    /** {@code [count, dim]}; count &ge; 1. */
    private static long[] header(Path file, ByteSource src) {
        byte[] bytes = new byte[MAX_HEADER_BYTES];
        int n = 0;
        int b = src.read();
        if (b < 0) {
            throw new DataFormatException(file + ": expected a word2vec binary file, found an empty file");
        }
        while (b >= 0 && b != '\n' && n < bytes.length) {
            bytes[n++] = (byte) b;
            b = src.read();
        }
        String text = new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
        long[] h = b == '\n' ? TextVectorReader.header(text) : null;
        if (h == null) {
            throw new DataFormatException(file + ": header (byte offset 0): expected a first line 'count dim' (two "
                    + "whole numbers, dim >= 1) as word2vec binary files start with, found '"
                    + TextVectorReader.preview(printable(text)) + "'" + (b == '\n' ? "" : " without an end of line"));
        }
        if (h[0] == 0) {
            throw new DataFormatException(file + ": expected at least one word vector, found none (the header says "
                    + "0)");
        }
        return h;
    }

    /** Whether every byte is what a text line of numbers holds: a binary vector almost never is. */
    private static boolean looksLikeText(byte[] raw) {
        for (byte c : raw) {
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == ' ' || c == '\n')) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02X", (int) c));
        }
        return sb.toString();
    }
}

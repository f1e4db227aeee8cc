package dev.gated.engine.data.words;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes small embedding files for the tests. */
final class EmbeddingFiles {
    private EmbeddingFiles() {
    }

    static Path text(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    static Path bytes(Path dir, String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    /** As word2vec.c writes with {@code -binary 1}: header, then word, space, little-endian floats, newline. */
    static byte[] word2vec(List<Map.Entry<String, float[]>> vectors, int dim, boolean newlines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((vectors.size() + " " + dim + "\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, float[]> e : vectors) {
            out.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
            out.write(' ');
            ByteBuffer b = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : e.getValue()) {
                b.putFloat(v);
            }
            out.writeBytes(b.array());
            if (newlines) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    /** Word, vector, word, vector, ...; a word may come twice. */
    static List<Map.Entry<String, float[]>> vectors(Object... wordThenVector) {
        List<Map.Entry<String, float[]>> m = new ArrayList<>();
        for (int i = 0; i < wordThenVector.length; i += 2) {
            m.add(Map.entry((String) wordThenVector[i], (float[]) wordThenVector[i + 1]));
        }
        return m;
    }

    /** The specials, then {@code words} in order (counts descending so build keeps that order). */
    static WordVocabulary vocabulary(String... words) {
        WordVocabulary.Builder b = WordVocabulary.builder();
        for (int k = 0; k < words.length; k++) {
            for (int n = 0; n < words.length - k; n++) {
                b.add(List.of(words[k]));
            }
        }
        return b.build(1, WordVocabulary.NO_LIMIT);
    }
}

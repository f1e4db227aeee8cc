package dev.gated.engine.data.words;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats of pre-trained word vectors that {@link PretrainedEmbeddings} reads. */
public enum EmbeddingFormat {
    /** GloVe text: one {@code word v1 ... vd} line per word, no header. Extension {@code .txt}. */
    GLOVE,
    /** fastText text: a {@code count dim} header line, then GloVe-like lines. Extension {@code .vec}. */
    VEC,
    /**
     * word2vec binary (the C tool's {@code -binary 1}): an ASCII {@code count dim\n} header, then per word its
     * UTF-8 bytes, a space, d little-endian float32 and an optional {@code \n}. Extension {@code .bin}.
     */
    WORD2VEC;

    /** {@code glove}, {@code vec} or {@code word2vec} (any case; {@code bin} is accepted for word2vec). */
    public static EmbeddingFormat parse(String option) {
        String s = option == null ? "" : option.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "glove":
            case "txt":
                return GLOVE;
            case "vec":
            case "fasttext":
                return VEC;
            case "word2vec":
            case "bin":
                return WORD2VEC;
            default:
                throw new IllegalArgumentException("embedding format: expected glove, vec or word2vec, got "
                        + (option == null ? "null" : "'" + option + "'"));
        }
    }

    /**
     * The format of {@code file} by its extension: {@code .txt} GloVe, {@code .vec} fastText, {@code .bin} word2vec.
     *
     * @throws IllegalArgumentException for another extension: then name the format explicitly
     */
    public static EmbeddingFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".txt")) {
            return GLOVE;
        }
        if (name.endsWith(".vec")) {
            return VEC;
        }
        if (name.endsWith(".bin")) {
            return WORD2VEC;
        }
        throw new IllegalArgumentException(file + ": cannot tell the embedding format from the extension (expected "
                + ".txt for glove, .vec for vec, .bin for word2vec); name the format: glove, vec or word2vec");
    }

    /** The option name: {@code glove}, {@code vec} or {@code word2vec}. */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}

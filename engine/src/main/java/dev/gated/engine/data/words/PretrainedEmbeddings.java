package dev.gated.engine.data.words;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Pre-trained word vectors for a vocabulary: a V x d matrix, row {@code id} the vector of word {@code id}.
 *
 * <p>{@link #load} streams the file once, record by record, and keeps only the vectors of the vocabulary's words
 * (memory: the V x d matrix plus one line), so a multi-gigabyte file works with a small heap.
 *
 * <p>Matching: a word takes the vector filed under exactly its spelling; if there is none, the vector of a word
 * whose lower-cased form is the same ({@link java.util.Locale#ROOT}), so "Paris" finds "paris" and "paris" finds
 * "Paris". For a word listed more than once, the first vector in the file wins (exact and lower-cased matches
 * each). The special tokens {@code <unk>}, {@code <bos>} and {@code <eos>} take a vector if the file has one.
 *
 * <p>Rows without a vector: {@code <pad>} is zero; every other one is drawn from N(0, σ²), σ the standard
 * deviation of all values of the vectors found, so the new rows have the scale of the pre-trained ones (PyTorch's
 * {@code nn.Embedding} draws N(0, 1), far larger than GloVe's values of about ±0.4); σ = 1 when nothing was found.
 * Draws come from {@code new SplittableRandom(seed)} in row order, so the same seed gives the same matrix.
 */
public final class PretrainedEmbeddings {
    private final int dimension;
    private final float[] matrix;
    private final byte[] match;
    private final Coverage coverage;
    private final double initStd;

    PretrainedEmbeddings(int dimension, float[] matrix, byte[] match, Coverage coverage, double initStd) {
        this.dimension = dimension;
        this.matrix = matrix;
        this.match = match;
        this.coverage = coverage;
        this.initStd = initStd;
    }

    /**
     * Reads the vectors of {@code vocab}'s words from {@code file}.
     *
     * @param expectedDim the dimension d the vectors must have (the model's embedding size), or 0 to take the
     *                    file's
     * @param seed        seeds the rows of words without a vector
     * @throws dev.gated.engine.data.timeseries.DataFormatException naming the file and line (text) or record and
     *         byte offset (binary): no such file, an empty file, a bad header, a dimension other than
     *         {@code expectedDim}, a line with the wrong number of values, a value that is not a finite number, a
     *         truncated binary file, bytes that are not UTF-8
     */
    public static PretrainedEmbeddings load(Path file, EmbeddingFormat format, WordVocabulary vocab, int expectedDim,
                                            long seed) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(vocab, "vocab");
        if (expectedDim < 0) {
            throw new IllegalArgumentException("expected dimension: expected >= 0 (0: the file's), got "
                    + expectedDim);
        }
        EmbeddingMatcher m = new EmbeddingMatcher(vocab);
        long read;
        switch (format) {
            case GLOVE:
                read = TextVectorReader.read(file, false, expectedDim, m);
                break;
            case VEC:
                read = TextVectorReader.read(file, true, expectedDim, m);
                break;
            case WORD2VEC:
                read = Word2VecBinaryReader.read(file, expectedDim, m);
                break;
            default:
                throw new IllegalStateException(format.toString());
        }
        return m.finish(read, seed);
    }

    /** {@link #load(Path, EmbeddingFormat, WordVocabulary, int, long)} with the format from the file's extension. */
    public static PretrainedEmbeddings load(Path file, WordVocabulary vocab, int expectedDim, long seed) {
        return load(file, EmbeddingFormat.of(file), vocab, expectedDim, seed);
    }

    /**
     * The dimension of the vectors in {@code file}, from its header ({@code .vec}, word2vec) or its first vector
     * (GloVe), without reading the rest: what a job file's {@code model.embedding.dim} is checked against.
     *
     * @throws dev.gated.engine.data.timeseries.DataFormatException as {@link #load} for a missing file, an empty
     *         file or a bad header or first line
     */
    public static int dimension(Path file, EmbeddingFormat format) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        int[] dim = {-1};
        VectorSink probe = new VectorSink() {
            @Override
            public void start(int d) {
                dim[0] = d;
                throw new HeaderRead();
            }

            @Override
            public boolean wants(String word) {
                return false;
            }

            @Override
            public void accept(float[] vector) {
            }
        };
        try {
            switch (format) {
                case GLOVE:
                    TextVectorReader.read(file, false, 0, probe);
                    break;
                case VEC:
                    TextVectorReader.read(file, true, 0, probe);
                    break;
                case WORD2VEC:
                    Word2VecBinaryReader.read(file, 0, probe);
                    break;
                default:
                    throw new IllegalStateException(format.toString());
            }
        } catch (HeaderRead stop) {
            return dim[0];
        }
        throw new IllegalStateException(file + ": no dimension read");
    }

    /** Stops a reader once it knows the dimension. */
    private static final class HeaderRead extends RuntimeException {
        HeaderRead() {
            super(null, null, false, false);
        }
    }

    /** d. */
    public int dimension() {
        return dimension;
    }

    /** V, the vocabulary's size. */
    public int rows() {
        return match.length;
    }

    /** The V x d matrix, row-major (a copy). */
    public float[] matrix() {
        return matrix.clone();
    }

    /** Row {@code id} (a copy). */
    public float[] row(int id) {
        checkRow(id);
        return Arrays.copyOfRange(matrix, id * dimension, (id + 1) * dimension);
    }

    /** Whether row {@code id} holds a pre-trained vector (rather than zeros or random values). */
    public boolean isPretrained(int id) {
        checkRow(id);
        return match[id] != EmbeddingMatcher.NONE;
    }

    public Coverage coverage() {
        return coverage;
    }

    /** σ of the random rows. */
    public double initStd() {
        return initStd;
    }

    private void checkRow(int id) {
        if (id < 0 || id >= match.length) {
            throw new IllegalArgumentException("row: expected a word id in [0, " + match.length + "), got " + id);
        }
    }

    @Override
    public String toString() {
        return "PretrainedEmbeddings(" + rows() + " x " + dimension + "; " + coverage.summary() + ")";
    }
}

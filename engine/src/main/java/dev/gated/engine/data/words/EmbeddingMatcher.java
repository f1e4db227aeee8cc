package dev.gated.engine.data.words;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Keeps the vectors of a vocabulary's words while a file streams by: an exact match fills a row (the first one
 * wins, later duplicates are ignored); a lower-cased match fills a row that has no vector yet and is replaced if
 * the exact spelling comes later. {@code <pad>} never takes a vector.
 */
final class EmbeddingMatcher implements VectorSink {
    static final byte NONE = 0;
    static final byte LOWER = 1;
    static final byte EXACT = 2;

    private final WordVocabulary vocab;
    private final Map<String, int[]> byLower = new HashMap<>();
    private final byte[] state;
    private int dim;
    private float[] matrix;
    private int pendingExact = -1;
    private int[] pendingLower = new int[0];
    private int pendingLowerCount;

    EmbeddingMatcher(WordVocabulary vocab) {
        this.vocab = vocab;
        this.state = new byte[vocab.size()];
        Map<String, List<Integer>> lists = new HashMap<>();
        for (int id = WordVocabulary.PAD_ID + 1; id < vocab.size(); id++) {
            lists.computeIfAbsent(lower(vocab.word(id)), k -> new ArrayList<>()).add(id);
        }
        lists.forEach((k, ids) -> byLower.put(k, ids.stream().mapToInt(Integer::intValue).toArray()));
    }

    @Override
    public void start(int dimension) {
        if ((long) vocab.size() * dimension > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("embeddings: " + vocab.size() + " words x dimension " + dimension
                    + " is more than one array holds; use a smaller vocabulary (max_size)");
        }
        dim = dimension;
        matrix = new float[vocab.size() * dimension];
    }

    @Override
    public boolean wants(String word) {
        int id = vocab.contains(word) ? vocab.id(word) : -1;
        pendingExact = id > WordVocabulary.PAD_ID && state[id] != EXACT ? id : -1;
        pendingLowerCount = 0;
        int[] ids = byLower.get(lower(word));
        if (ids != null) {
            for (int k : ids) {
                if (state[k] == NONE && k != pendingExact) {
                    if (pendingLowerCount == pendingLower.length) {
                        pendingLower = Arrays.copyOf(pendingLower, Math.max(4, 2 * pendingLower.length));
                    }
                    pendingLower[pendingLowerCount++] = k;
                }
            }
        }
        return pendingExact >= 0 || pendingLowerCount > 0;
    }

    @Override
    public void accept(float[] vector) {
        if (pendingExact >= 0) {
            System.arraycopy(vector, 0, matrix, pendingExact * dim, dim);
            state[pendingExact] = EXACT;
        }
        for (int i = 0; i < pendingLowerCount; i++) {
            System.arraycopy(vector, 0, matrix, pendingLower[i] * dim, dim);
            state[pendingLower[i]] = LOWER;
        }
    }

    /**
     * The finished matrix: rows without a vector (except {@code <pad>}, zero) drawn from N(0, σ²), σ the standard
     * deviation of all values of the rows that have one (1 if fewer than two values), in row order from
     * {@code new SplittableRandom(seed)}.
     */
    PretrainedEmbeddings finish(long fileVectors, long seed) {
        double n = 0;
        double sum = 0;
        double sumSq = 0;
        for (int id = 0; id < state.length; id++) {
            if (state[id] != NONE) {
                for (int j = id * dim; j < (id + 1) * dim; j++) {
                    n++;
                    sum += matrix[j];
                    sumSq += (double) matrix[j] * matrix[j];
                }
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double var = n < 2 ? 0 : Math.max(0, (sumSq - n * mean * mean) / n);
        double std = var > 0 ? Math.sqrt(var) : 1;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int id = WordVocabulary.PAD_ID + 1; id < state.length; id++) {
            if (state[id] == NONE) {
                for (int j = id * dim; j < (id + 1) * dim; j++) {
                    matrix[j] = (float) (rnd.nextGaussian() * std);
                }
            }
        }
        return new PretrainedEmbeddings(dim, matrix, state.clone(), coverage(fileVectors), std);
    }

    private Coverage coverage(long fileVectors) {
        int exact = 0;
        int lowercase = 0;
        List<String> missing = new ArrayList<>();
        for (int id = WordVocabulary.SPECIALS.size(); id < state.length; id++) {
            if (state[id] == EXACT) {
                exact++;
            } else if (state[id] == LOWER) {
                lowercase++;
            } else if (missing.size() < Coverage.MAX_EXAMPLES) {
                missing.add(vocab.word(id));
            }
        }
        int words = Math.max(0, state.length - WordVocabulary.SPECIALS.size());
        return new Coverage(words, exact + lowercase, exact, lowercase, fileVectors, missing);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

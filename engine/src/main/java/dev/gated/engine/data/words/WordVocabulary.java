package dev.gated.engine.data.words;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The words a word-level model knows, word {@code k} being its input (embedding row) and output index {@code k}.
 *
 * <p>Ids 0 to 3 are always the special tokens {@link #PAD} (padding, and the zero row of pre-trained embeddings),
 * {@link #UNK} (any word not in the vocabulary), {@link #BOS} and {@link #EOS} (sentence start and end). The
 * other words follow, most frequent first, words of equal count in {@link String#compareTo} order, so the same
 * training text always gives the same ids.
 *
 * <p>To store it with a run, either put {@link #words()} in the preprocessing record (as the character vocabulary
 * is) and rebuild it with {@link #of}, or write the vocabulary file of {@link #write} (which also keeps the
 * training counts) and {@link #read} it.
 */
public final class WordVocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int BOS_ID = 2;
    public static final int EOS_ID = 3;
    /** The special tokens, in id order. */
    public static final List<String> SPECIALS = List.of(PAD, UNK, BOS, EOS);
    /** {@code maxSize} for a vocabulary without a size limit. */
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    private final List<String> words;
    private final long[] counts;
    private final long trainingTokens;
    private final long unknownTokens;
    private final Map<String, Integer> ids;

    WordVocabulary(List<String> words, long[] counts, long trainingTokens, long unknownTokens) {
        this.words = List.copyOf(words);
        this.counts = counts.clone();
        this.trainingTokens = trainingTokens;
        this.unknownTokens = unknownTokens;
        this.ids = new HashMap<>(words.size() * 2);
        for (int k = 0; k < words.size(); k++) {
            if (k < SPECIALS.size() && !words.get(k).equals(SPECIALS.get(k))) {
                throw new IllegalArgumentException("vocabulary word " + k + ": expected the special token "
                        + SPECIALS.get(k) + ", found '" + words.get(k) + "'");
            }
            Integer before = ids.put(words.get(k), k);
            if (before != null) {
                throw new IllegalArgumentException("vocabulary word " + k + ": expected distinct words, found '"
                        + words.get(k) + "' again (also word " + before + ")");
            }
        }
        if (words.size() < SPECIALS.size()) {
            throw new IllegalArgumentException("vocabulary: expected at least the " + SPECIALS.size()
                    + " special tokens " + SPECIALS + ", found " + words.size() + " words");
        }
    }

    /** Counts the words of token streams; {@link #build} then makes the vocabulary. Not thread-safe. */
    public static final class Builder {
        private final Map<String, long[]> counts = new HashMap<>();
        private long tokens;
        /** Literal {@code <pad>}, {@code <bos>}, {@code <eos>} tokens: they keep their ids. */
        private long markers;

        /** Counts one sentence's (or document's) tokens; special tokens count as tokens but not as words. */
        public Builder add(Collection<String> sentence) {
            for (String t : sentence) {
                Objects.requireNonNull(t, "token");
                tokens++;
                if (t.equals(PAD) || t.equals(BOS) || t.equals(EOS)) {
                    markers++;
                } else if (!t.equals(UNK)) {
                    counts.computeIfAbsent(t, k -> new long[1])[0]++;
                }
            }
            return this;
        }

        /**
         * The special tokens, then the words seen at least {@code minCount} times, most frequent first (ties in
         * {@link String#compareTo} order), cut to {@code maxSize} words in all (specials included).
         *
         * @param minCount &ge; 1
         * @param maxSize  &ge; 4, or {@link WordVocabulary#NO_LIMIT}
         */
        public WordVocabulary build(int minCount, int maxSize) {
            if (minCount < 1) {
                throw new IllegalArgumentException("min_count: expected >= 1, got " + minCount);
            }
            if (maxSize < SPECIALS.size()) {
                throw new IllegalArgumentException("max_size: expected >= " + SPECIALS.size()
                        + " (the special tokens " + SPECIALS + " count), got " + maxSize);
            }
            List<Map.Entry<String, long[]>> kept = new ArrayList<>();
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                if (e.getValue()[0] >= minCount) {
                    kept.add(e);
                }
            }
            kept.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                    : a.getKey().compareTo(b.getKey()));
            int n = (int) Math.min(kept.size(), (long) maxSize - SPECIALS.size());
            List<String> words = new ArrayList<>(SPECIALS);
            long[] c = new long[SPECIALS.size() + n];
            long known = 0;
            for (int k = 0; k < n; k++) {
                words.add(kept.get(k).getKey());
                c[SPECIALS.size() + k] = kept.get(k).getValue()[0];
                known += c[SPECIALS.size() + k];
            }
            return new WordVocabulary(words, c, tokens, tokens - known - markers);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The vocabulary of the given sentences; see {@link Builder#build}. */
    public static WordVocabulary build(Iterable<? extends Collection<String>> sentences, int minCount, int maxSize) {
        Builder b = new Builder();
        sentences.forEach(b::add);
        return b.build(minCount, maxSize);
    }

    /**
     * The vocabulary whose {@link #words()} are {@code words} (the four special tokens first, then distinct
     * words); its counts are unknown (0).
     */
    public static WordVocabulary of(List<String> words) {
        Objects.requireNonNull(words, "words");
        return new WordVocabulary(words, new long[words.size()], 0, 0);
    }

    /** Every word in id order, the special tokens first. */
    public List<String> words() {
        return words;
    }

    /** V, the special tokens included. */
    public int size() {
        return words.size();
    }

    /** The id of {@code word}, {@link #UNK_ID} if it is not in the vocabulary (exact match, case-sensitive). */
    public int id(String word) {
        Integer id = ids.get(word);
        return id == null ? UNK_ID : id;
    }

    /** Whether {@code word} has an id of its own. */
    public boolean contains(String word) {
        return ids.containsKey(word);
    }

    /** The word of {@code id}. */
    public String word(int id) {
        checkId(id);
        return words.get(id);
    }

    /** How often word {@code id} occurred in the training tokens (0 for the specials and for {@link #of}). */
    public long count(int id) {
        checkId(id);
        return counts[id];
    }

    /** Tokens counted while building. */
    public long trainingTokens() {
        return trainingTokens;
    }

    /** Training tokens that are {@code <unk>} for this vocabulary (cut by min_count or max_size). */
    public long unknownTokens() {
        return unknownTokens;
    }

    /** {@link #encode(List, int, boolean, boolean, Truncation)} without a length limit or markers. */
    public Encoded encode(List<String> tokens) {
        return encode(tokens, NO_LIMIT, false, false, Truncation.END);
    }

    /**
     * The ids of {@code tokens}, unknown words as {@code <unk>}, with {@code <bos>} before and {@code <eos>} after
     * them if asked. A sentence longer than {@code maxLength} ids (markers included) loses tokens at the end or
     * the start, as {@code truncation} says; the markers are always kept. An empty sentence gives just the markers
     * (or no ids at all).
     *
     * @param maxLength at least the number of markers asked for, and &ge; 1; {@link #NO_LIMIT} for none
     */
    public Encoded encode(List<String> tokens, int maxLength, boolean addBos, boolean addEos, Truncation truncation) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(truncation, "truncation");
        int markers = (addBos ? 1 : 0) + (addEos ? 1 : 0);
        if (maxLength < Math.max(1, markers)) {
            throw new IllegalArgumentException("max_length: expected >= " + Math.max(1, markers)
                    + (markers > 0 ? " (room for <bos>/<eos>)" : "") + ", got " + maxLength);
        }
        int room = maxLength - markers;
        int keep = Math.min(tokens.size(), room);
        int from = truncation == Truncation.END ? 0 : tokens.size() - keep;
        int[] out = new int[keep + markers];
        int n = 0;
        int unknown = 0;
        if (addBos) {
            out[n++] = BOS_ID;
        }
        for (int k = from; k < from + keep; k++) {
            int id = id(tokens.get(k));
            unknown += id == UNK_ID ? 1 : 0;
            out[n++] = id;
        }
        if (addEos) {
            out[n++] = EOS_ID;
        }
        return new Encoded(out, out.length, keep < tokens.size(), unknown);
    }

    /** The words of {@code ids}, joined by single spaces. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.length() == 0 ? "" : " ").append(word(id));
        }
        return sb.toString();
    }

    /**
     * Rows of exactly {@code maxLength} ids: each row of {@code rows} followed by {@link #PAD_ID}s.
     *
     * @throws IllegalArgumentException for a row longer than {@code maxLength} (encode with that limit first)
     */
    public static int[][] pad(int[][] rows, int maxLength) {
        int[][] out = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length > maxLength) {
                throw new IllegalArgumentException("pad: row " + r + " has " + rows[r].length
                        + " ids, more than max_length " + maxLength);
            }
            out[r] = Arrays.copyOf(rows[r], maxLength); // zero-filled, and PAD_ID is 0
        }
        return out;
    }

    /** The vocabulary file: JSON with the words in id order and their training counts. */
    public String toJson() {
        return WordVocabularyJson.write(this);
    }

    /**
     * @param source names the text in error messages (e.g. the file)
     * @throws dev.gated.engine.data.timeseries.DataFormatException if it is not a vocabulary file
     */
    public static WordVocabulary fromJson(String json, String source) {
        return WordVocabularyJson.read(json, source);
    }

    /** Writes {@link #toJson()} to {@code file} (UTF-8). */
    public void write(Path file) {
        WordVocabularyJson.writeFile(this, file);
    }

    /** Reads a file {@link #write} wrote; a missing or malformed file is a data error naming it. */
    public static WordVocabulary read(Path file) {
        return WordVocabularyJson.readFile(file);
    }

    long[] counts() {
        return counts.clone();
    }

    private void checkId(int id) {
        if (id < 0 || id >= words.size()) {
            throw new IllegalArgumentException("word id: expected an id in [0, " + words.size() + "), got " + id);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordVocabulary v && words.equals(v.words) && Arrays.equals(counts, v.counts)
                && trainingTokens == v.trainingTokens && unknownTokens == v.unknownTokens;
    }

    @Override
    public int hashCode() {
        return words.hashCode() * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "WordVocabulary(" + words.size() + " words)";
    }
}

package dev.gated.engine.config;

import dev.gated.engine.data.words.TokenizerOptions;
import java.util.Objects;

/**
 * The keys of a {@code data} section with {@code kind: parallel}: a CSV or TSV file (tab-separated when the name
 * ends in {@code .tsv}) with one sentence pair per row, for translation ({@code task: translate}). One tokenizer
 * reads both sides; each side gets its own vocabulary, built from the <em>training</em> split only with the same
 * limits. The token limit per side is {@code data.max_length} (default none: training pairs longer than it on
 * either side are left out of training, validation and test sources are cut to it) and the split
 * {@code data.split} (default {@link #DEFAULT_SPLIT}), shuffled with {@code training.seed} as for {@code words}.
 *
 * <table>
 * <caption>data keys for kind parallel</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code source_column}</td><td>the column holding the sentences to translate</td><td>required</td></tr>
 * <tr><td>{@code target_column}</td><td>the column holding their translations</td><td>required</td></tr>
 * <tr><td>{@code tokenizer}</td><td>mapping, as for {@code words} ({@link WordsConfig}): {@code lowercase},
 *     {@code punctuation}, {@code numbers}, {@code nfkc}, or {@code {huggingface: FILE}} (a Hugging Face
 *     {@code tokenizer.json}, optionally with {@code lowercase}); one tokenizer for both sides</td>
 *     <td>{@link TokenizerOptions#defaults()}</td></tr>
 * <tr><td>{@code vocabulary}</td><td>mapping: {@code min_count} (integer &ge; 1), {@code max_size} (integer
 *     &ge; 4, the four special tokens included), applied to each side separately</td>
 *     <td>{@value #DEFAULT_MIN_COUNT}, {@value #DEFAULT_MAX_SIZE}</td></tr>
 * </table>
 */
public record ParallelConfig(String sourceColumn, String targetColumn, TokenizerOptions tokenizer, int minCount,
                             int maxSize) {
    /** This section with the Hugging Face tokenizer file (if any) resolved against {@code baseDir}. */
    ParallelConfig resolved(java.nio.file.Path baseDir) {
        return new ParallelConfig(sourceColumn, targetColumn, WordsReader.resolved(tokenizer, baseDir), minCount,
                maxSize);
    }

    public static final int DEFAULT_MIN_COUNT = WordsConfig.DEFAULT_MIN_COUNT;
    public static final int DEFAULT_MAX_SIZE = WordsConfig.DEFAULT_MAX_SIZE;
    /** {@code data.split} of a parallel job when the file gives none: {@code [0.8, 0.1, 0.1]}. */
    public static final Split DEFAULT_SPLIT = new Split(0.8, 0.1, 0.1);

    public ParallelConfig {
        Objects.requireNonNull(sourceColumn, "sourceColumn");
        Objects.requireNonNull(targetColumn, "targetColumn");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (minCount < 1 || maxSize < 4) {
            throw new IllegalArgumentException("vocabulary: expected min_count >= 1 and max_size >= 4, got "
                    + minCount + ", " + maxSize);
        }
    }
}

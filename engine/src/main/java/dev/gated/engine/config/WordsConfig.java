package dev.gated.engine.config;

import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.Truncation;
import java.util.Objects;

/**
 * The word-level keys of a {@code data} section with {@code kind: words}: a CSV or TSV file (tab-separated when
 * the name ends in {@code .tsv}) with one text and its class per row, for word-level text classification. The
 * class column is {@code data.label_column} (default {@code label}), the token limit {@code data.max_length}
 * (default none) and the split {@code data.split}, shuffled with {@code training.seed} as for {@code sequences}.
 *
 * <table>
 * <caption>data keys for kind words</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code text_column}</td><td>the column holding the texts</td><td>required</td></tr>
 * <tr><td>{@code tokenizer}</td><td>mapping: {@code lowercase} (boolean), {@code punctuation} ({@code split |
 *     strip | keep}), {@code numbers} ({@code keep | mask}), {@code nfkc} (boolean); see
 *     {@link TokenizerOptions}; or {@code {huggingface: FILE}}, a Hugging Face {@code tokenizer.json} (relative
 *     to the job file's folder, like {@code data.path}) whose token strings are the tokens the vocabulary is
 *     built over, with {@code lowercase} (default false) applied before it and {@code punctuation},
 *     {@code numbers}, {@code nfkc} refused; a trained run records the file's absolute path and SHA-256 and
 *     refuses a changed file</td><td>{@link TokenizerOptions#defaults()}: true, split, keep, true</td></tr>
 * <tr><td>{@code vocabulary}</td><td>mapping: {@code min_count} (integer &ge; 1: words seen fewer times in the
 *     training split are {@code <unk>}), {@code max_size} (integer &ge; 4, the four special tokens included)</td>
 *     <td>{@value #DEFAULT_MIN_COUNT}, {@value #DEFAULT_MAX_SIZE}</td></tr>
 * <tr><td>{@code truncation}</td><td>{@code end | start}: which tokens a text longer than {@code max_length}
 *     loses</td><td>{@code end}</td></tr>
 * </table>
 */
public record WordsConfig(String textColumn, TokenizerOptions tokenizer, int minCount, int maxSize,
                          Truncation truncation) {
    /** This section with the Hugging Face tokenizer file (if any) resolved against {@code baseDir}. */
    WordsConfig resolved(java.nio.file.Path baseDir) {
        return new WordsConfig(textColumn, WordsReader.resolved(tokenizer, baseDir), minCount, maxSize, truncation);
    }

    public static final int DEFAULT_MIN_COUNT = 2;
    public static final int DEFAULT_MAX_SIZE = 20_000;
    public static final Truncation DEFAULT_TRUNCATION = Truncation.END;

    public WordsConfig {
        Objects.requireNonNull(textColumn, "textColumn");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(truncation, "truncation");
        if (minCount < 1 || maxSize < 4) {
            throw new IllegalArgumentException("vocabulary: expected min_count >= 1 and max_size >= 4, got "
                    + minCount + ", " + maxSize);
        }
    }
}

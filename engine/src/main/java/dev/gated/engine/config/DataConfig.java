package dev.gated.engine.config;

import dev.gated.engine.data.timeseries.CalendarFeature;
import dev.gated.engine.data.timeseries.NanPolicy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code data} section of a job file.
 *
 * <table>
 * <caption>data keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code kind}</td><td>{@code csv | npy | text | sequences | words | parallel}</td><td>required</td></tr>
 * <tr><td>{@code path}</td><td>file path (as written; relative paths are the caller's to resolve)</td>
 *     <td>required</td></tr>
 * <tr><td>{@code input_columns}</td><td>list of column names; {@code csv} and {@code sequences}</td>
 *     <td>required for those</td></tr>
 * <tr><td>{@code target_columns}</td><td>list of column names; {@code csv} only</td><td>required for {@code csv}</td></tr>
 * <tr><td>{@code date_column}</td><td>column name; {@code csv} only</td><td>none</td></tr>
 * <tr><td>{@code sequence_column}</td><td>column naming each row's sequence; {@code sequences} only</td>
 *     <td>{@code sequence}</td></tr>
 * <tr><td>{@code label_column}</td><td>column holding the class; {@code sequences} and {@code words}</td><td>{@code label}</td></tr>
 * <tr><td>{@code window}</td><td>integer &ge; 1, input steps per window (csv) or characters per training sequence
 *     (text)</td><td>24</td></tr>
 * <tr><td>{@code horizon}</td><td>integer &ge; 1, steps ahead to forecast; {@code csv} only</td><td>1</td></tr>
 * <tr><td>{@code stride}</td><td>integer &ge; 1, steps between window starts; {@code csv} and {@code text}</td>
 *     <td>1 ({@code text}: the window)</td></tr>
 * <tr><td>{@code split}</td><td>{@code [train, validation, test]} fractions summing to 1</td>
 *     <td>{@code [0.7, 0.15, 0.15]} ({@code parallel}: {@code [0.8, 0.1, 0.1]})</td></tr>
 * <tr><td>{@code max_length}</td><td>integer &ge; 1, truncate length (steps; {@code words}: tokens; {@code parallel}:
 *     tokens per side); {@code sequences}, {@code words} and {@code parallel}</td><td>none</td></tr>
 * <tr><td>{@code nan_policy}</td><td>{@code error | drop | interpolate}; {@code csv} and {@code sequences}</td>
 *     <td>{@code error}</td></tr>
 * <tr><td>{@code standardize}</td><td>boolean: scale inputs (and csv targets) to mean 0, std 1 with statistics of
 *     the training split, saved with the model; not for {@code text}</td><td>{@code true}</td></tr>
 * <tr><td>{@code text_column}, {@code tokenizer}, {@code vocabulary}, {@code truncation}</td><td>{@code words}
 *     only ({@code tokenizer} and {@code vocabulary} also {@code parallel}), see {@link WordsConfig}</td><td></td></tr>
 * <tr><td>{@code source_column}, {@code target_column}</td><td>{@code parallel} only, see
 *     {@link ParallelConfig}</td><td></td></tr>
 * </table>
 *
 * @param words    {@code words} only: its word-level keys
 * @param parallel {@code parallel} only: its sentence-pair keys
 */
public record DataConfig(DataKind kind, Path path, List<String> inputColumns, List<String> targetColumns,
                         Optional<String> dateColumn, String sequenceColumn, String labelColumn, int window,
                         int horizon, int stride, Split split, Optional<Integer> maxLength, NanPolicy nanPolicy,
                         boolean standardize, Optional<String> idColumn, List<String> knownColumns,
                         List<CalendarFeature> calendar, Optional<WordsConfig> words,
                         Optional<ParallelConfig> parallel) {
    /** Text: characters per training sequence. */
    public static final int DEFAULT_WINDOW = 24;
    /**
     * Csv (forecasting): history steps per example. Measured on the six bundled series with job files that set only
     * the data, the target and the horizon: 12 beats every baseline in 12 of 12 runs, 24 in 9 (docs/FORECASTING.md).
     */
    public static final int DEFAULT_FORECAST_WINDOW = 12;
    public static final int DEFAULT_HORIZON = 1;
    public static final int DEFAULT_STRIDE = 1;
    public static final NanPolicy DEFAULT_NAN_POLICY = NanPolicy.ERROR;
    public static final String DEFAULT_SEQUENCE_COLUMN = "sequence";
    public static final String DEFAULT_LABEL_COLUMN = "label";
    public static final boolean DEFAULT_STANDARDIZE = true;

    /** Copies the lists; checks nothing but presence (the job file reader reports range errors with positions). */
    public DataConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        inputColumns = List.copyOf(inputColumns);
        targetColumns = List.copyOf(targetColumns);
        Objects.requireNonNull(dateColumn, "dateColumn");
        Objects.requireNonNull(sequenceColumn, "sequenceColumn");
        Objects.requireNonNull(labelColumn, "labelColumn");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(maxLength, "maxLength");
        Objects.requireNonNull(nanPolicy, "nanPolicy");
        Objects.requireNonNull(idColumn, "idColumn");
        knownColumns = List.copyOf(knownColumns);
        calendar = List.copyOf(calendar);
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(parallel, "parallel");
    }

    /** A data section of a kind other than {@code parallel}. */
    public DataConfig(DataKind kind, Path path, List<String> inputColumns, List<String> targetColumns,
                      Optional<String> dateColumn, String sequenceColumn, String labelColumn, int window, int horizon,
                      int stride, Split split, Optional<Integer> maxLength, NanPolicy nanPolicy, boolean standardize,
                      Optional<String> idColumn, List<String> knownColumns, List<CalendarFeature> calendar,
                      Optional<WordsConfig> words) {
        this(kind, path, inputColumns, targetColumns, dateColumn, sequenceColumn, labelColumn, window, horizon, stride,
                split, maxLength, nanPolicy, standardize, idColumn, knownColumns, calendar, words, Optional.empty());
    }

    /** A data section of a kind other than {@code words} and {@code parallel}. */
    public DataConfig(DataKind kind, Path path, List<String> inputColumns, List<String> targetColumns,
                      Optional<String> dateColumn, String sequenceColumn, String labelColumn, int window, int horizon,
                      int stride, Split split, Optional<Integer> maxLength, NanPolicy nanPolicy, boolean standardize,
                      Optional<String> idColumn, List<String> knownColumns, List<CalendarFeature> calendar) {
        this(kind, path, inputColumns, targetColumns, dateColumn, sequenceColumn, labelColumn, window, horizon, stride,
                split, maxLength, nanPolicy, standardize, idColumn, knownColumns, calendar, Optional.empty());
    }

    /** A data section without the forecasting covariates and series ids. */
    public DataConfig(DataKind kind, Path path, List<String> inputColumns, List<String> targetColumns,
                      Optional<String> dateColumn, String sequenceColumn, String labelColumn, int window, int horizon,
                      int stride, Split split, Optional<Integer> maxLength, NanPolicy nanPolicy, boolean standardize) {
        this(kind, path, inputColumns, targetColumns, dateColumn, sequenceColumn, labelColumn, window, horizon, stride,
                split, maxLength, nanPolicy, standardize, Optional.empty(), List.of(), List.of());
    }

    /** This section with the Hugging Face tokenizer file of {@code words} or {@code parallel} resolved. */
    DataConfig withTokenizerResolved(Path baseDir) {
        return new DataConfig(kind, path, inputColumns, targetColumns, dateColumn, sequenceColumn, labelColumn,
                window, horizon, stride, split, maxLength, nanPolicy, standardize, idColumn, knownColumns, calendar,
                words.map(w -> w.resolved(baseDir)), parallel.map(p -> p.resolved(baseDir)));
    }

    /** This section with {@code path} instead. */
    public DataConfig withPath(Path newPath) {
        return new DataConfig(kind, newPath, inputColumns, targetColumns, dateColumn, sequenceColumn, labelColumn,
                window, horizon, stride, split, maxLength, nanPolicy, standardize, idColumn, knownColumns, calendar,
                words, parallel);
    }
}

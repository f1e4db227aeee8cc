package dev.gated.engine.config;

import dev.gated.engine.data.words.TokenizerOptions;
import java.util.Optional;

/**
 * Reads the keys of a {@code data} section with {@code kind: parallel} ({@code source_column},
 * {@code target_column}, and {@code tokenizer} and {@code vocabulary} with the readers of {@link WordsReader})
 * into a {@link ParallelConfig}.
 */
final class ParallelReader {
    private static final String KIND = "parallel";
    private final ReadContext ctx;

    ParallelReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Empty for other kinds (their parallel-only keys reported; {@code tokenizer} and {@code vocabulary} are
     * {@link WordsReader}'s to report); null after a problem.
     */
    Optional<ParallelConfig> read(SectionReader s, DataKind kind) {
        boolean parallel = kind == null || kind == DataKind.PARALLEL;
        int before = ctx.problemCount();
        boolean ok = s.onlyFor("source_column", parallel, KIND) & s.onlyFor("target_column", parallel, KIND);
        if (kind != DataKind.PARALLEL) {
            return ok ? Optional.empty() : null;
        }
        Optional<String> source = column(s, "source_column", "the sentences to translate");
        Optional<String> target = column(s, "target_column", "their translations");
        WordsReader words = new WordsReader(ctx);
        TokenizerOptions tokenizer = words.tokenizer(s.sub("tokenizer"));
        WordsReader.VocabularyLimits limits = words.vocabulary(s.sub("vocabulary"));
        if (source.isPresent() && source.equals(target)) {
            ctx.add(new Problem(s.field("target_column").value().at(), "data.target_column", "the source and the "
                    + "target column are both '" + source.get() + "'; expected two different columns"));
        }
        if (ctx.problemCount() > before || source.isEmpty() || target.isEmpty() || tokenizer == null) {
            return null;
        }
        return Optional.of(new ParallelConfig(source.get(), target.get(), tokenizer, limits.minCount(),
                limits.maxSize()));
    }

    private static Optional<String> column(SectionReader s, String key, String holding) {
        Optional<String> c = s.optionalString(key);
        if (c.isEmpty() && s.field(key) == null) {
            s.missingKey(key, "the name of the column holding " + holding + ", for data.kind parallel");
        }
        return c;
    }
}

package dev.gated.engine.config;

import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.TokenizerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gated.engine.data.words.Truncation;
import java.util.List;
import java.util.Optional;

/**
 * Reads the word-level keys of the {@code data} section ({@code text_column}, {@code tokenizer},
 * {@code vocabulary}, {@code truncation}) into a {@link WordsConfig}, and checks a words or parallel job against
 * its other sections ({@link #checkJob}). {@link ParallelReader} reads {@code tokenizer} and {@code vocabulary}
 * with {@link #tokenizer} and {@link #vocabulary}.
 */
final class WordsReader {
    private static final String KIND = "words";
    /** The kinds that read words: {@code tokenizer} and {@code vocabulary} apply to them. */
    private static final String WORD_KINDS = "words or parallel";
    private final ReadContext ctx;

    WordsReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    /** Empty for other kinds (their words keys reported); null after a problem. */
    Optional<WordsConfig> read(SectionReader s, DataKind kind) {
        boolean words = kind == null || kind == DataKind.WORDS;
        boolean wordKinds = words || kind == DataKind.PARALLEL;
        int before = ctx.problemCount();
        boolean ok = s.onlyFor("text_column", words, KIND) & s.onlyFor("tokenizer", wordKinds, WORD_KINDS)
                & s.onlyFor("vocabulary", wordKinds, WORD_KINDS) & s.onlyFor("truncation", words, KIND);
        if (kind != DataKind.WORDS) {
            return ok ? Optional.empty() : null;
        }
        Optional<String> text = s.optionalString("text_column");
        if (text.isEmpty() && s.field("text_column") == null) {
            s.missingKey("text_column", "the name of the column holding the texts, for data.kind words");
        }
        TokenizerOptions tokenizer = tokenizer(s.sub("tokenizer"));
        VocabularyLimits limits = vocabulary(s.sub("vocabulary"));
        Truncation truncation = s.enumValue("truncation", Truncation.class, WordsConfig.DEFAULT_TRUNCATION);
        if (ctx.problemCount() > before || text.isEmpty() || tokenizer == null || truncation == null) {
            return null;
        }
        return Optional.of(new WordsConfig(text.get(), tokenizer, limits.minCount(), limits.maxSize(), truncation));
    }

    /** {@code data.vocabulary}: its limits, the defaults for a key left out (or a bad value, reported). */
    record VocabularyLimits(int minCount, int maxSize) {
    }

    VocabularyLimits vocabulary(SectionReader v) {
        int minCount = v.intValue("min_count", WordsConfig.DEFAULT_MIN_COUNT, 1);
        int maxSize = v.intValue("max_size", WordsConfig.DEFAULT_MAX_SIZE, 4);
        v.reportUnknownKeys();
        return new VocabularyLimits(minCount, maxSize);
    }

    /**
     * {@code data.tokenizer}; null after a problem. With {@code huggingface: FILE} only {@code lowercase} may go
     * with it (default false); when the job's files are checked ({@link ReadContext#baseDir()}) the file must
     * exist and load as a tokenizer.json.
     */
    TokenizerOptions tokenizer(SectionReader t) {
        if (t.present() && t.field("huggingface") != null) {
            return huggingFace(t);
        }
        TokenizerOptions d = TokenizerOptions.defaults();
        boolean lowercase = t.bool("lowercase", d.lowercase());
        String punctuation = t.choice("punctuation", List.of("split", "strip", "keep"), key(d.punctuation()));
        String numbers = t.choice("numbers", List.of("keep", "mask"), key(d.numbers()));
        boolean nfkc = t.bool("nfkc", d.nfkc());
        t.reportUnknownKeys();
        if (punctuation == null || numbers == null) {
            return null;
        }
        return new TokenizerOptions(lowercase, TokenizerOptions.Punctuation.parse(punctuation),
                TokenizerOptions.Numbers.parse(numbers), nfkc);
    }

    private TokenizerOptions huggingFace(SectionReader t) {
        int before = ctx.problemCount();
        Optional<Path> file = t.path("huggingface", true);
        boolean lowercase = t.bool("lowercase", false);
        for (String key : List.of("punctuation", "numbers", "nfkc")) {
            Node.Field f = t.field(key);
            if (f != null) {
                ctx.add(new Problem(f.keyAt(), "data.tokenizer." + key, "'" + key + "' is an option of the engine's "
                        + "own tokenizer; with data.tokenizer.huggingface the tokenizer.json decides how text is cut "
                        + "(only 'lowercase' may go with it): remove '" + key + "'"));
            }
        }
        t.reportUnknownKeys();
        if (ctx.problemCount() > before || file.isEmpty()) {
            return null;
        }
        TokenizerOptions options = TokenizerOptions.huggingFace(file.get(), lowercase);
        if (ctx.baseDir() != null) {
            Node.Field f = t.field("huggingface");
            Path resolved = ctx.baseDir().resolve(file.get()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(resolved)) {
                ctx.add(new Problem(f.value().at(), "data.tokenizer.huggingface", "expected a Hugging Face "
                        + "tokenizer.json, found " + (Files.exists(resolved) ? "a directory" : "no such file") + ": "
                        + resolved + (file.get().isAbsolute() ? ""
                        : " (relative paths are resolved against the job file's folder)")));
                return null;
            }
            try {
                TextTokenizer.of(resolved(options, ctx.baseDir()));
            } catch (IllegalArgumentException e) {
                ctx.add(new Problem(f.value().at(), "data.tokenizer.huggingface", e.getMessage()));
                return null;
            }
        }
        return options;
    }

    /** {@code tokenizer} with its Hugging Face file (if any) resolved against {@code baseDir} and made absolute. */
    static TokenizerOptions resolved(TokenizerOptions tokenizer, Path baseDir) {
        return tokenizer.huggingface().map(h -> tokenizer.withHuggingFace(new TokenizerOptions.HuggingFace(
                baseDir.resolve(h.file()).toAbsolutePath().normalize(), h.sha256()))).orElse(tokenizer);
    }

    static String key(Enum<?> e) {
        return JobReader.key(e);
    }

    /**
     * The checks across sections: {@code model.embedding} is required for {@code data.kind: words} and
     * {@code parallel} (both read word ids) and refused for the other kinds; {@code training.input_noise} (noise on
     * float inputs) does not apply to word ids.
     */
    static void checkJob(ReadContext ctx, SectionReader model, SectionReader training,
                         DataConfig d, ModelConfig m, TrainingConfig tr) {
        if (d == null) {
            return;
        }
        Node.Field embedding = model.present() ? model.field("embedding") : null;
        if (d.kind() == DataKind.WORDS || d.kind() == DataKind.PARALLEL) {
            String kind = key(d.kind());
            if (embedding == null) {
                ctx.add(new Problem(model.at(), "model.embedding", "data.kind " + kind + " reads word ids, which an "
                        + "embedding layer turns into the RNN's inputs: add model.embedding (e.g. embedding: {dim: "
                        + EmbeddingConfig.DEFAULT_DIM + "} or {pretrained: glove.6B.50d.txt})"));
            }
            if (tr != null && tr.inputNoise() > 0) {
                ctx.add(new Problem(training.field("input_noise").value().at(), "training.input_noise", "input noise "
                        + "is added to float inputs; data.kind " + kind + " reads word ids (use model.dropout.input, "
                        + "which applies to the embedded vectors)"));
            }
        } else if (embedding != null) {
            ctx.add(new Problem(embedding.keyAt(), "model.embedding", "an embedding layer reads word ids, which only "
                    + "data.kind words and parallel give; found data.kind " + key(d.kind())
                    + " (remove model.embedding)"));
        }
    }
}

package dev.gated.engine.data.words;

import java.util.List;

/**
 * Cuts text into the tokens a word-level job's vocabulary is built over: the engine's own {@link WordTokenizer},
 * or a Hugging Face {@code tokenizer.json} ({@link HuggingFaceTextTokenizer}). {@link #of} picks the one the
 * options name.
 */
public sealed interface TextTokenizer permits WordTokenizer, HuggingFaceTextTokenizer {
    /** The tokens of {@code text}, in order; an empty list for a text without tokens. */
    List<String> tokenize(String text);

    /** A text made of {@code tokens} (a translation's output, a reference as compared). */
    String detokenize(List<String> tokens);

    /** The options that rebuild this tokenizer; for a Hugging Face file, with its SHA-256 pinned. */
    TokenizerOptions options();

    /**
     * The tokenizer {@code options} name. A Hugging Face file is loaded (and, if pinned, checked against its
     * SHA-256).
     *
     * @throws IllegalArgumentException when the Hugging Face file is missing, changed or not a tokenizer.json
     */
    static TextTokenizer of(TokenizerOptions options) {
        return options.huggingface().isPresent() ? HuggingFaceTextTokenizer.load(options) : new WordTokenizer(options);
    }
}

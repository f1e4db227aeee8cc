package dev.gated.engine.data.words;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link WordTokenizer} cuts text into words.
 *
 * @param lowercase   lower-case every token ({@link Locale#ROOT}, so the result does not depend on the machine)
 * @param punctuation what happens to punctuation and symbols
 * @param numbers     what happens to number tokens
 * @param nfkc        apply Unicode NFKC normalisation first (full-width letters, ligatures such as "ﬁ" and
 *                    decomposed accents become their usual forms, so "Señor" typed either way is one word)
 * @param huggingface a Hugging Face {@code tokenizer.json} that cuts the text instead
 *                    ({@link HuggingFaceTextTokenizer}); only {@code lowercase} then applies (before it), the other
 *                    options are ignored
 */
public record TokenizerOptions(boolean lowercase, Punctuation punctuation, Numbers numbers, boolean nfkc,
                               Optional<HuggingFace> huggingface) {
    /**
     * A Hugging Face {@code tokenizer.json}.
     *
     * @param file   the file (absolute once a job's paths are resolved)
     * @param sha256 its SHA-256 (lower-case hex) once a run has pinned it; a pinned file is checked on load
     */
    public record HuggingFace(Path file, Optional<String> sha256) {
        public HuggingFace {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** What happens to a punctuation or symbol character (anything that is neither letter, digit nor space). */
    public enum Punctuation {
        /** Each punctuation character is a token of its own: {@code "Hi, you!"} gives {@code Hi , you !}. */
        SPLIT,
        /** Punctuation is dropped (it still separates words): {@code Hi you}. */
        STRIP,
        /** Punctuation stays attached, tokens are cut at spaces only: {@code Hi, you!}. */
        KEEP;

        /** {@code split}, {@code strip} or {@code keep} (any case). */
        public static Punctuation parse(String text) {
            return parseEnum(Punctuation.class, text, "punctuation");
        }
    }

    /** What happens to a number token (digits, with {@code .} or {@code ,} between digits: 42, 3.14, 1,000). */
    public enum Numbers {
        /** Numbers are tokens like any other. */
        KEEP,
        /** Every number becomes the single token {@link WordTokenizer#NUMBER} ({@code <num>}). */
        MASK;

        /** {@code keep} or {@code mask} (any case). */
        public static Numbers parse(String text) {
            return parseEnum(Numbers.class, text, "numbers");
        }
    }

    public TokenizerOptions {
        Objects.requireNonNull(punctuation, "punctuation");
        Objects.requireNonNull(numbers, "numbers");
        Objects.requireNonNull(huggingface, "huggingface");
    }

    /** The engine's own word tokenizer with these options. */
    public TokenizerOptions(boolean lowercase, Punctuation punctuation, Numbers numbers, boolean nfkc) {
        this(lowercase, punctuation, numbers, nfkc, Optional.empty());
    }

    /** A Hugging Face tokenizer read from {@code file}, lower-casing first when {@code lowercase}. */
    public static TokenizerOptions huggingFace(Path file, boolean lowercase) {
        return new TokenizerOptions(lowercase, Punctuation.SPLIT, Numbers.KEEP, false,
                Optional.of(new HuggingFace(file, Optional.empty())));
    }

    /** These options with the Hugging Face file replaced (resolved, or pinned with its SHA-256). */
    public TokenizerOptions withHuggingFace(HuggingFace value) {
        return new TokenizerOptions(lowercase, punctuation, numbers, nfkc, Optional.of(value));
    }

    /** Lower-cased, punctuation split, numbers kept, NFKC on. */
    public static TokenizerOptions defaults() {
        return new TokenizerOptions(true, Punctuation.SPLIT, Numbers.KEEP, true);
    }

    public TokenizerOptions withLowercase(boolean value) {
        return new TokenizerOptions(value, punctuation, numbers, nfkc, huggingface);
    }

    public TokenizerOptions withPunctuation(Punctuation value) {
        return new TokenizerOptions(lowercase, value, numbers, nfkc, huggingface);
    }

    public TokenizerOptions withNumbers(Numbers value) {
        return new TokenizerOptions(lowercase, punctuation, value, nfkc, huggingface);
    }

    public TokenizerOptions withNfkc(boolean value) {
        return new TokenizerOptions(lowercase, punctuation, numbers, value, huggingface);
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, String what) {
        StringBuilder names = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equalsIgnoreCase(text == null ? "" : text.trim())) {
                return e;
            }
            names.append(names.length() == 0 ? "" : ", ").append(name);
        }
        throw new IllegalArgumentException(what + ": expected one of " + names + ", got "
                + (text == null ? "null" : "'" + text + "'"));
    }
}

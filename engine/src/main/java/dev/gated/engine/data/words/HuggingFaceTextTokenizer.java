package dev.gated.engine.data.words;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face {@code tokenizer.json} as a word-level tokenizer, through DJL's binding of the Rust tokenizers
 * library ({@code ai.djl.huggingface:tokenizers}, whose jar carries the native library, so it loads offline).
 *
 * <p>A text's tokens are the file's token strings ({@code encode(text)} without special tokens, truncation or
 * padding), after lower-casing ({@link Locale#ROOT}) when {@link TokenizerOptions#lowercase()}; the engine's own
 * vocabulary is then built over those strings as over words. {@link #detokenize} maps the tokens back to the
 * file's ids (a token it does not know, such as the engine's {@code <unk>}, becomes the model's unknown token
 * when it has one, else is left out) and decodes them with the file's decoder.
 *
 * <p>{@link TextTokenizer#of} loads the file, computes its SHA-256 and returns options with it pinned; options
 * already pinned (a trained run's) are checked against the file. Loaded tokenizers are kept for the process (one
 * per file content), as DJL's native handle has no cleaner.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {
    private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();

    private record Loaded(HuggingFaceTokenizer tokenizer, Map<String, Long> ids, Optional<Long> unknown) {
    }

    private final TokenizerOptions options;
    private final Loaded loaded;

    private HuggingFaceTextTokenizer(TokenizerOptions options, Loaded loaded) {
        this.options = options;
        this.loaded = loaded;
    }

    /** See {@link TextTokenizer#of}; {@code options} must name a Hugging Face file. */
    static HuggingFaceTextTokenizer load(TokenizerOptions options) {
        TokenizerOptions.HuggingFace hf = options.huggingface().orElseThrow();
        Path file = hf.file().toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Hugging Face tokenizer: expected a tokenizer.json file, found "
                    + (Files.exists(file) ? "a directory" : "no such file") + ": " + file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Hugging Face tokenizer: cannot read " + file + ": " + e.getMessage(), e);
        }
        String sha = sha256(bytes);
        if (hf.sha256().isPresent() && !hf.sha256().get().equalsIgnoreCase(sha)) {
            throw new IllegalArgumentException("Hugging Face tokenizer: " + file + " has changed since the run was "
                    + "trained (SHA-256 " + sha + ", the run recorded " + hf.sha256().get() + "); restore the file "
                    + "the run was trained with");
        }
        Loaded loaded = CACHE.computeIfAbsent(sha + "\u0000" + file, k -> open(file, bytes));
        return new HuggingFaceTextTokenizer(
                options.withHuggingFace(new TokenizerOptions.HuggingFace(file, Optional.of(sha))), loaded);
    }

    private static Loaded open(Path file, byte[] bytes) {
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false)
                    .optTruncation(false).optPadding(false).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Hugging Face tokenizer: cannot read " + file + " as a tokenizer.json: "
                    + e.getMessage(), e);
        }
        Map<String, Long> ids = new HashMap<>();
        Optional<Long> unknown = Optional.empty();
        try {
            JsonNode root = new ObjectMapper().readTree(bytes);
            JsonNode vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asLong()));
            } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the index
                for (int i = 0; i < vocab.size(); i++) {
                    ids.put(vocab.get(i).path(0).asText(), (long) i);
                }
            }
            for (JsonNode a : root.path("added_tokens")) {
                ids.put(a.path("content").asText(), a.path("id").asLong());
            }
            JsonNode unk = root.path("model").path("unk_token");
            if (unk.isTextual() && ids.containsKey(unk.asText())) {
                unknown = Optional.of(ids.get(unk.asText()));
            } else if (unk.isIntegralNumber()) { // Unigram: unk_id
                unknown = Optional.of(unk.asLong());
            } else if (root.path("model").path("unk_id").isIntegralNumber()) {
                unknown = Optional.of(root.path("model").path("unk_id").asLong());
            }
        } catch (IOException e) {
            t.close();
            throw new IllegalArgumentException("Hugging Face tokenizer: cannot read " + file + " as JSON: "
                    + e.getMessage(), e);
        }
        return new Loaded(t, Map.copyOf(ids), unknown);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> tokenize(String text) {
        String s = options.lowercase() ? text.toLowerCase(Locale.ROOT) : text;
        if (s.isBlank()) {
            return List.of();
        }
        return Arrays.asList(loaded.tokenizer().encode(s, false, false).getTokens());
    }

    @Override
    public String detokenize(List<String> tokens) {
        long[] ids = tokens.stream()
                .map(t -> Optional.ofNullable(loaded.ids().get(t)).or(loaded::unknown))
                .flatMap(Optional::stream).mapToLong(Long::longValue).toArray();
        return ids.length == 0 ? "" : loaded.tokenizer().decode(ids, false);
    }

    /** With its SHA-256 pinned. */
    @Override
    public TokenizerOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "HuggingFaceTextTokenizer(" + options.huggingface().orElseThrow().file() + ")";
    }
}

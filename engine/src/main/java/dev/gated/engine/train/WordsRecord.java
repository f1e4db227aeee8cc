package dev.gated.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.Truncation;
import dev.gated.engine.data.words.WordVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a word-level run fitted and needs again to read new text exactly as in training, saved in
 * {@code preprocessing.json} under {@code words} (and the coverage under {@code embedding_coverage}): the
 * tokenizer options, the token limit and which end it cuts, and the vocabulary built from the training split.
 *
 * @param coverage how much of the vocabulary the pre-trained vectors covered; empty without them
 */
public record WordsRecord(TokenizerOptions tokenizer, Optional<Integer> maxLength, Truncation truncation,
                          WordVocabulary vocabulary, Optional<Coverage> coverage) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public WordsRecord {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(maxLength, "maxLength");
        Objects.requireNonNull(truncation, "truncation");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(coverage, "coverage");
    }

    /** The {@code words} object. */
    ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.set("tokenizer", tokenizerJson(tokenizer));
        putMaxLength(o, maxLength);
        o.put("truncation", truncation.name().toLowerCase(Locale.ROOT));
        o.set("vocabulary", vocabularyJson(vocabulary));
        return o;
    }

    /** The {@code embedding_coverage} object, if any. */
    Optional<ObjectNode> coverageJson() {
        return coverage.map(WordsRecord::coverageJson);
    }

    /** @param coverage the {@code embedding_coverage} object, or null */
    static WordsRecord fromJson(JsonNode o, JsonNode coverage, String source) throws JsonProcessingException {
        return new WordsRecord(tokenizerFromJson(o.path("tokenizer")), maxLengthFromJson(o),
                Truncation.valueOf(o.path("truncation").asText("end").toUpperCase(Locale.ROOT)),
                vocabularyFromJson(o.path("vocabulary"), source + " (words.vocabulary)"), coverageFromJson(coverage));
    }

    // The pieces a word-level record is made of, shared with TranslationRecord.

    static ObjectNode tokenizerJson(TokenizerOptions tokenizer) {
        ObjectNode t = JSON.createObjectNode();
        t.put("lowercase", tokenizer.lowercase());
        if (tokenizer.huggingface().isPresent()) {
            // The file by absolute path and SHA-256 (checked when the run is reopened), not its text: real
            // tokenizer.json files run from under 1 MB to over 10 MB, and preprocessing.json stays readable.
            TokenizerOptions.HuggingFace hf = tokenizer.huggingface().get();
            ObjectNode h = t.putObject("huggingface");
            h.put("file", hf.file().toAbsolutePath().normalize().toString());
            hf.sha256().ifPresentOrElse(sha -> h.put("sha256", sha), () -> h.putNull("sha256"));
            return t;
        }
        t.put("punctuation", tokenizer.punctuation().name().toLowerCase(Locale.ROOT));
        t.put("numbers", tokenizer.numbers().name().toLowerCase(Locale.ROOT));
        t.put("nfkc", tokenizer.nfkc());
        return t;
    }

    static TokenizerOptions tokenizerFromJson(JsonNode t) {
        JsonNode h = t.get("huggingface");
        if (h != null && h.isObject()) {
            JsonNode sha = h.path("sha256");
            return TokenizerOptions.huggingFace(java.nio.file.Path.of(h.path("file").asText()),
                    t.path("lowercase").asBoolean(false)).withHuggingFace(new TokenizerOptions.HuggingFace(
                    java.nio.file.Path.of(h.path("file").asText()),
                    sha.isTextual() ? Optional.of(sha.asText()) : Optional.empty()));
        }
        return new TokenizerOptions(t.path("lowercase").asBoolean(true),
                TokenizerOptions.Punctuation.parse(t.path("punctuation").asText("split")),
                TokenizerOptions.Numbers.parse(t.path("numbers").asText("keep")), t.path("nfkc").asBoolean(true));
    }

    /** {@code max_length}: the limit, or null for none. */
    static void putMaxLength(ObjectNode o, Optional<Integer> maxLength) {
        if (maxLength.isPresent()) {
            o.put("max_length", maxLength.get());
        } else {
            o.putNull("max_length");
        }
    }

    static Optional<Integer> maxLengthFromJson(JsonNode o) {
        JsonNode ml = o.get("max_length");
        return ml == null || ml.isNull() ? Optional.empty() : Optional.of(ml.asInt());
    }

    static JsonNode vocabularyJson(WordVocabulary vocabulary) {
        try {
            return JSON.readTree(vocabulary.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param source names the object in messages */
    static WordVocabulary vocabularyFromJson(JsonNode v, String source) throws JsonProcessingException {
        return WordVocabulary.fromJson(JSON.writeValueAsString(v), source);
    }

    static ObjectNode coverageJson(Coverage c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("found", c.found());
        o.put("words", c.words());
        o.put("fraction", c.fraction());
        o.put("exact", c.exact());
        o.put("lowercase", c.lowercase());
        o.put("file_vectors", c.fileVectors());
        c.missingExamples().forEach(o.putArray("missing_examples")::add);
        return o;
    }

    /** @param coverage the coverage object, or null (or a JSON null, or missing): empty */
    static Optional<Coverage> coverageFromJson(JsonNode coverage) {
        if (coverage == null || coverage.isNull() || coverage.isMissingNode()) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        coverage.path("missing_examples").forEach(n -> missing.add(n.asText()));
        return Optional.of(new Coverage(coverage.path("words").asInt(), coverage.path("found").asInt(),
                coverage.path("exact").asInt(), coverage.path("lowercase").asInt(),
                coverage.path("file_vectors").asLong(), missing));
    }
}

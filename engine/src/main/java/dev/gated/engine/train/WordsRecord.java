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
        ObjectNode t = o.putObject("tokenizer");
        t.put("lowercase", tokenizer.lowercase());
        t.put("punctuation", tokenizer.punctuation().name().toLowerCase(Locale.ROOT));
        t.put("numbers", tokenizer.numbers().name().toLowerCase(Locale.ROOT));
        t.put("nfkc", tokenizer.nfkc());
        if (maxLength.isPresent()) {
            o.put("max_length", maxLength.get());
        } else {
            o.putNull("max_length");
        }
        o.put("truncation", truncation.name().toLowerCase(Locale.ROOT));
        try {
            o.set("vocabulary", JSON.readTree(vocabulary.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return o;
    }

    /** The {@code embedding_coverage} object, if any. */
    Optional<ObjectNode> coverageJson() {
        return coverage.map(c -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("found", c.found());
            o.put("words", c.words());
            o.put("fraction", c.fraction());
            o.put("exact", c.exact());
            o.put("lowercase", c.lowercase());
            o.put("file_vectors", c.fileVectors());
            c.missingExamples().forEach(o.putArray("missing_examples")::add);
            return o;
        });
    }

    /** @param coverage the {@code embedding_coverage} object, or null */
    static WordsRecord fromJson(JsonNode o, JsonNode coverage, String source) throws JsonProcessingException {
        JsonNode t = o.path("tokenizer");
        TokenizerOptions tok = new TokenizerOptions(t.path("lowercase").asBoolean(true),
                TokenizerOptions.Punctuation.parse(t.path("punctuation").asText("split")),
                TokenizerOptions.Numbers.parse(t.path("numbers").asText("keep")), t.path("nfkc").asBoolean(true));
        JsonNode ml = o.get("max_length");
        Optional<Integer> maxLength = ml == null || ml.isNull() ? Optional.empty() : Optional.of(ml.asInt());
        Truncation truncation = Truncation.valueOf(o.path("truncation").asText("end").toUpperCase(Locale.ROOT));
        WordVocabulary vocab = WordVocabulary.fromJson(JSON.writeValueAsString(o.path("vocabulary")),
                source + " (words.vocabulary)");
        Optional<Coverage> cov = Optional.empty();
        if (coverage != null && !coverage.isNull()) {
            List<String> missing = new ArrayList<>();
            coverage.path("missing_examples").forEach(n -> missing.add(n.asText()));
            cov = Optional.of(new Coverage(coverage.path("words").asInt(), coverage.path("found").asInt(),
                    coverage.path("exact").asInt(), coverage.path("lowercase").asInt(),
                    coverage.path("file_vectors").asLong(), missing));
        }
        return new WordsRecord(tok, maxLength, truncation, vocab, cov);
    }
}

package dev.gated.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.data.words.Coverage;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.data.words.Truncation;
import dev.gated.engine.data.words.TextTokenizer;
import dev.gated.engine.data.words.WordVocabulary;
import java.util.Objects;
import java.util.Optional;

/**
 * What a translation run fitted and needs again to read new sentences and write its translations exactly as in
 * training, saved in {@code preprocessing.json} under {@code translation}: the tokenizer options (one tokenizer
 * for both sides), the token limit per side, and the source and target vocabularies built from the training
 * split.
 *
 * <pre>
 * "translation": {
 *   "tokenizer": {"lowercase": true, "punctuation": "split", "numbers": "keep", "nfkc": true},
 *   "max_length": 40,                     (null: none)
 *   "source_vocabulary": {...},           (the vocabulary file's JSON, WordVocabulary.toJson)
 *   "target_vocabulary": {...},
 *   "embedding_coverage": {...}           (only with pre-trained source vectors)
 * }
 * </pre>
 *
 * @param coverage how much of the source vocabulary the pre-trained vectors covered; empty without them
 */
public record TranslationRecord(TokenizerOptions tokenizer, Optional<Integer> maxLength,
                                WordVocabulary sourceVocabulary, WordVocabulary targetVocabulary,
                                Optional<Coverage> coverage) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TranslationRecord {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(maxLength, "maxLength");
        Objects.requireNonNull(sourceVocabulary, "sourceVocabulary");
        Objects.requireNonNull(targetVocabulary, "targetVocabulary");
        Objects.requireNonNull(coverage, "coverage");
    }

    /**
     * The source ids of a new sentence ({@code gated translate}), read as in training: tokenized, words the
     * source vocabulary lacks as {@code <unk>}, cut to {@code max_length} tokens (the end goes), no {@code <bos>}
     * or {@code <eos>}. A sentence without a word gives no ids ({@link dev.gated.engine.data.parallel.PairBatch}
     * reads it as one {@code <pad>} step).
     */
    public int[] encodeSource(String sentence) {
        return encodeSource(sentence, TextTokenizer.of(tokenizer));
    }

    /** {@link #encodeSource(String)} with this record's tokenizer, already built. */
    public int[] encodeSource(String sentence, TextTokenizer textTokenizer) {
        Objects.requireNonNull(sentence, "sentence");
        return sourceVocabulary.encode(textTokenizer.tokenize(sentence),
                maxLength.orElse(WordVocabulary.NO_LIMIT), false, false, Truncation.END).ids();
    }

    /**
     * A translation as text: the target words of {@code ids} up to the first {@code <eos>}, detokenized by the
     * run's tokenizer ({@link TextTokenizer#detokenize}: joined by single spaces for the engine's own tokenizer,
     * the file's decoder for a Hugging Face one); {@code <pad>}, {@code <bos>} and {@code <eos>} are left out,
     * {@code <unk>} is written (it says where the model had no word; a Hugging Face tokenizer writes its own
     * unknown token).
     */
    public String decodeTarget(int[] ids) {
        return decodeTarget(ids, TextTokenizer.of(tokenizer));
    }

    /** {@link #decodeTarget(int[])} with this record's tokenizer, already built. */
    public String decodeTarget(int[] ids, TextTokenizer textTokenizer) {
        java.util.List<String> words = new java.util.ArrayList<>();
        for (int id : ids) {
            if (id == WordVocabulary.EOS_ID) {
                break;
            }
            if (id == WordVocabulary.PAD_ID || id == WordVocabulary.BOS_ID) {
                continue;
            }
            words.add(targetVocabulary.word(id));
        }
        return textTokenizer.detokenize(words);
    }

    /** The {@code translation} object. */
    ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.set("tokenizer", WordsRecord.tokenizerJson(tokenizer));
        WordsRecord.putMaxLength(o, maxLength);
        o.set("source_vocabulary", WordsRecord.vocabularyJson(sourceVocabulary));
        o.set("target_vocabulary", WordsRecord.vocabularyJson(targetVocabulary));
        coverage.ifPresent(c -> o.set("embedding_coverage", WordsRecord.coverageJson(c)));
        return o;
    }

    static TranslationRecord fromJson(JsonNode o, String source) throws JsonProcessingException {
        return new TranslationRecord(WordsRecord.tokenizerFromJson(o.path("tokenizer")),
                WordsRecord.maxLengthFromJson(o),
                WordsRecord.vocabularyFromJson(o.path("source_vocabulary"), source + " (translation.source_vocabulary)"),
                WordsRecord.vocabularyFromJson(o.path("target_vocabulary"), source + " (translation.target_vocabulary)"),
                WordsRecord.coverageFromJson(o.get("embedding_coverage")));
    }
}

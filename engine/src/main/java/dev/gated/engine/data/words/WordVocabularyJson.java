package dev.gated.engine.data.words;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.data.timeseries.DataFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vocabulary file, e.g.
 * <pre>{"format": "gated-word-vocabulary", "version": 1, "training_tokens": 9,
 *  "unknown_tokens": 1, "words": ["&lt;pad&gt;", "&lt;unk&gt;", "&lt;bos&gt;", "&lt;eos&gt;", "the", "cat"],
 *  "counts": [0, 0, 0, 0, 5, 3]}</pre>
 */
final class WordVocabularyJson {
    static final String FORMAT = "gated-word-vocabulary";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WordVocabularyJson() {
    }

    static String write(WordVocabulary v) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("training_tokens", v.trainingTokens());
        root.put("unknown_tokens", v.unknownTokens());
        v.words().forEach(root.putArray("words")::add);
        ArrayNode counts = root.putArray("counts");
        for (long c : v.counts()) {
            counts.add(c);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static WordVocabulary read(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DataFormatException(source + ": expected a word vocabulary file (JSON), found text that is "
                    + "not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new DataFormatException(source + ": expected a word vocabulary file (\"format\": \"" + FORMAT
                    + "\"), found something else");
        }
        if (root.path("version").asInt() != 1) {
            throw new DataFormatException(source + ": expected vocabulary file version 1, found "
                    + root.path("version"));
        }
        JsonNode words = root.path("words");
        JsonNode counts = root.path("counts");
        if (!words.isArray() || !counts.isArray() || words.size() != counts.size()) {
            throw new DataFormatException(source + ": expected arrays \"words\" and \"counts\" of the same length, "
                    + "found " + words.getNodeType() + " of " + words.size() + " and " + counts.getNodeType()
                    + " of " + counts.size());
        }
        List<String> w = new ArrayList<>(words.size());
        long[] c = new long[counts.size()];
        for (int k = 0; k < c.length; k++) {
            if (!words.get(k).isTextual() || !counts.get(k).canConvertToLong() || counts.get(k).asLong() < 0) {
                throw new DataFormatException(source + ": word " + k + ": expected a string and a count >= 0, "
                        + "found " + words.get(k) + " and " + counts.get(k));
            }
            w.add(words.get(k).asText());
            c[k] = counts.get(k).asLong();
        }
        try {
            return new WordVocabulary(w, c, root.path("training_tokens").asLong(),
                    root.path("unknown_tokens").asLong());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(source + ": " + e.getMessage(), e);
        }
    }

    static void writeFile(WordVocabulary v, Path file) {
        try {
            Files.writeString(file, write(v), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the vocabulary: " + e.getMessage(), e);
        }
    }

    static WordVocabulary readFile(Path file) {
        try {
            return read(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": expected a word vocabulary file, found no such file");
        } catch (CharacterCodingException e) {
            throw new DataFormatException(file + ": expected UTF-8 text, found bytes that are not UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}

package dev.gated.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.forecast.ForecastLayout;
import dev.gated.engine.forecast.ForecastRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What turns raw data into model inputs and model outputs back into answers, fitted on the training split and
 * saved with the model ({@code preprocessing.json} in the run folder and the metadata of {@code model.safetensors}),
 * so evaluation and prediction on new data use exactly the training-time transformation.
 *
 * @param featureMean   sequences/npy: per-input-feature mean over valid training steps (empty when not used)
 * @param featureStd    sequences/npy: per-input-feature standard deviation (1 for constant features)
 * @param inputNames    names of the input features (csv: the window's features, see
 *                      {@link ForecastLayout#featureNames()}; sequences: columns; npy: x0, x1, ...; text: empty)
 * @param outputNames   csv: {@code <target>@<step>} (see {@link ForecastLayout#outputNames()}); npy regression:
 *                      y0, y1, ...; empty otherwise
 * @param classes       class names in label order (classification), else empty
 * @param vocabulary    the characters of a language model in index order, else empty
 * @param forecast      csv: the window layout and transforms with everything fitted on the training rows
 * @param words         words: the tokenizer, the token limit, the training split's vocabulary and the coverage of
 *                      the pre-trained vectors
 * @param translation   parallel: the tokenizer, the token limit and the source and target vocabularies
 */
public record Preprocessing(double[] featureMean, double[] featureStd, List<String> inputNames,
                            List<String> outputNames, List<String> classes, List<String> vocabulary,
                            Optional<ForecastRecord> forecast, Optional<WordsRecord> words,
                            Optional<TranslationRecord> translation) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Preprocessing {
        Objects.requireNonNull(forecast, "forecast");
        featureMean = featureMean.clone();
        featureStd = featureStd.clone();
        inputNames = List.copyOf(inputNames);
        outputNames = List.copyOf(outputNames);
        classes = List.copyOf(classes);
        vocabulary = List.copyOf(vocabulary);
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(translation, "translation");
    }

    /** Preprocessing of a run that does not translate. */
    public Preprocessing(double[] featureMean, double[] featureStd, List<String> inputNames, List<String> outputNames,
                         List<String> classes, List<String> vocabulary, Optional<ForecastRecord> forecast,
                         Optional<WordsRecord> words) {
        this(featureMean, featureStd, inputNames, outputNames, classes, vocabulary, forecast, words, Optional.empty());
    }

    /** Preprocessing of a translation run: its record only. */
    public static Preprocessing translation(TranslationRecord record) {
        return new Preprocessing(new double[0], new double[0], List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), Optional.of(record));
    }

    /** Preprocessing of a run that does not read words (nor translates). */
    public Preprocessing(double[] featureMean, double[] featureStd, List<String> inputNames, List<String> outputNames,
                         List<String> classes, List<String> vocabulary, Optional<ForecastRecord> forecast) {
        this(featureMean, featureStd, inputNames, outputNames, classes, vocabulary, forecast, Optional.empty());
    }

    public static Preprocessing none() {
        return new Preprocessing(new double[0], new double[0], List.of(), List.of(), List.of(), List.of(),
                Optional.empty());
    }

    @Override
    public double[] featureMean() {
        return featureMean.clone();
    }

    @Override
    public double[] featureStd() {
        return featureStd.clone();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode mean = root.putArray("feature_mean");
        for (double v : featureMean) {
            mean.add(v);
        }
        ArrayNode std = root.putArray("feature_std");
        for (double v : featureStd) {
            std.add(v);
        }
        inputNames.forEach(root.putArray("input_names")::add);
        outputNames.forEach(root.putArray("output_names")::add);
        classes.forEach(root.putArray("classes")::add);
        vocabulary.forEach(root.putArray("vocabulary")::add);
        forecast.ifPresent(f -> root.set("forecast", f.toJson()));
        words.ifPresent(w -> {
            root.set("words", w.toJson());
            w.coverageJson().ifPresent(c -> root.set("embedding_coverage", c));
        });
        translation.ifPresent(t -> root.set("translation", t.toJson()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException naming {@code source} if the text is not preprocessing JSON */
    public static Preprocessing fromJson(String json, String source) {
        try {
            JsonNode root = JSON.readTree(json);
            JsonNode f = root.get("forecast");
            JsonNode w = root.get("words");
            // Files written before translation runs have no such key.
            JsonNode t = root.get("translation");
            return new Preprocessing(doubles(root.path("feature_mean")), doubles(root.path("feature_std")),
                    strings(root.path("input_names")), strings(root.path("output_names")),
                    strings(root.path("classes")), strings(root.path("vocabulary")),
                    f == null || f.isNull() ? Optional.empty() : Optional.of(ForecastRecord.fromJson(f)),
                    w == null || w.isNull() ? Optional.empty()
                            : Optional.of(WordsRecord.fromJson(w, root.get("embedding_coverage"), source)),
                    t == null || t.isNull() ? Optional.empty() : Optional.of(TranslationRecord.fromJson(t, source)));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException(source + ": expected the preprocessing JSON Gated writes, found "
                    + "something else (" + e.getMessage() + ")", e);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}

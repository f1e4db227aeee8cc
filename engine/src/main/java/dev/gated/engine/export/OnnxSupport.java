package dev.gated.engine.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one check of what the ONNX export can express, run on the job as its run folder records it
 * ({@link JobFiles#toYaml}, which spells out every key). Every key of the {@code model} and {@code forecast}
 * sections is looked up in a table of the keys the exporter maps, with the values it maps; a key that is not in the
 * table (one added to the engine after the exporter, such as a new normalisation) is refused unless its value is
 * off (null, false, none, 0, empty), so that an option the graph would silently leave out never exports. A new
 * option that changes inference belongs in this table, with its mapping in {@link OnnxNetwork}.
 */
final class OnnxSupport {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Any value of the key is mapped. */
    private static final Set<String> ANY = Set.of();

    /** model keys: what inference reads (init and dropout do not change it: dropout is the identity then). */
    private static final Map<String, Set<String>> MODEL = Map.ofEntries(
            Map.entry("cell", oneOf("lstm", "gru")),
            Map.entry("layers", ANY),
            Map.entry("hidden", ANY),
            Map.entry("bidirectional", ANY),
            Map.entry("head", oneOf("linear")),
            Map.entry("init_from", ANY),
            Map.entry("init", ANY),
            Map.entry("dropout", ANY),
            Map.entry("residual", ANY),
            Map.entry("layer_norm", ANY),
            Map.entry("norm", oneOf("none", "layer", "batch")),
            Map.entry("input_norm", oneOf("none", "batch")),
            Map.entry("embedding", ANY));

    /** forecast keys: the decoding the graph does (ForecastDecoding); backtests and baselines are not the model's. */
    private static final Map<String, Set<String>> FORECAST = Map.ofEntries(
            Map.entry("scaling", ANY),
            Map.entry("difference", ANY),
            Map.entry("target", ANY),
            Map.entry("season", ANY),
            Map.entry("strategy", oneOf("direct")),
            Map.entry("quantiles", ANY),
            Map.entry("moving_average", ANY),
            Map.entry("backtest", ANY));

    private static final Set<String> TASKS = Set.of("forecast", "classify", "regression", "language_model");

    private OnnxSupport() {
    }

    /** @throws UnsupportedExportException naming the first option the export cannot express */
    static void check(JobConfig config) {
        check(tree(JobFiles.toYaml(config)));
    }

    /** A job's YAML as a tree (the recorded form that {@link #check(JsonNode)} reads). */
    static JsonNode tree(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read back the recorded job: " + e.getMessage(), e);
        }
    }

    /** {@link #check(JobConfig)} on the recorded job's tree. */
    static void check(JsonNode root) {
        String task = root.path("task").path("kind").asText();
        if (task.equals("translate")) {
            throw new UnsupportedExportException("task.kind: translate", "a translation model is an encoder, "
                    + "attention and a decoder run token by token (greedy or beam search), which is not one "
                    + "sequence model's pass; use 'gated translate' to run it");
        }
        if (!TASKS.contains(task)) {
            throw new UnsupportedExportException("task.kind: " + task, "expected one of " + TASKS);
        }
        section(root, "model", MODEL);
        if (task.equals("forecast")) {
            JsonNode strategy = root.path("forecast").path("strategy");
            if (strategy.asText().equals("recursive")) {
                throw new UnsupportedExportException("forecast.strategy: recursive", "the forecast feeds each "
                        + "step's median back as the next window's history and encodes it again, a loop outside "
                        + "the network; train with forecast.strategy: direct to export");
            }
            section(root, "forecast", FORECAST);
        }
    }

    private static void section(JsonNode root, String name, Map<String, Set<String>> known) {
        Iterator<Map.Entry<String, JsonNode>> it = root.path(name).fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = name + "." + e.getKey();
            JsonNode v = e.getValue();
            Set<String> values = known.get(e.getKey());
            if (values == null && !off(v)) {
                throw new UnsupportedExportException(key + ": " + text(v), "the ONNX export does not know this "
                        + "option, so it cannot tell whether the graph would compute what the engine does; "
                        + "leave it out (or off) to export");
            }
            if (values != null && !values.isEmpty() && !values.contains(v.asText())) {
                throw new UnsupportedExportException(key + ": " + text(v), "the ONNX export maps only "
                        + String.join(", ", new java.util.TreeSet<>(values)));
            }
        }
    }

    /** An option that is off: null, false, 0, "none", "off", "false", or an empty list or mapping. */
    private static boolean off(JsonNode v) {
        if (v.isNull() || v.isMissingNode() || (v.isBoolean() && !v.asBoolean())
                || (v.isNumber() && v.asDouble() == 0) || (v.isContainerNode() && v.isEmpty())) {
            return true;
        }
        return v.isTextual() && Set.of("none", "off", "false", "").contains(v.asText());
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static Set<String> oneOf(String... values) {
        return Set.of(values);
    }
}

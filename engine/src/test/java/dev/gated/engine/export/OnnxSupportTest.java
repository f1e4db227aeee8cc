package dev.gated.engine.export;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one check of what the ONNX export expresses: refusals name the option, and what is mapped passes. */
class OnnxSupportTest {
    private static final String CLASSIFY = """
            data: {kind: sequences, path: s.csv, sequence_column: id, input_columns: [x], label_column: label}
            task: {kind: classify}
            model: {cell: gru, layers: 3, bidirectional: true, residual: true, layer_norm: true,
                    dropout: {input: 0.1, output: 0.2, between: 0.3}}
            """;
    private static final String FORECAST = """
            data: {kind: csv, path: s.csv, target_columns: [y], window: 4, horizon: 2}
            task: {kind: forecast}
            forecast: {scaling: window, difference: 1, quantiles: [0.1, 0.5, 0.9]}
            """;

    @TempDir
    Path dir;

    private JobConfig load(String yaml) throws IOException {
        Path p = dir.resolve("job.yaml");
        Files.writeString(p, yaml);
        return JobFiles.load(p);
    }

    @Test
    void whatIsMappedPasses() throws IOException {
        assertDoesNotThrow(() -> OnnxSupport.check(load(CLASSIFY)));
        assertDoesNotThrow(() -> OnnxSupport.check(load(FORECAST)));
    }

    @Test
    void translationIsRefusedByName() throws IOException {
        JobConfig c = load("""
                data: {kind: parallel, path: pairs.tsv, source_column: en, target_column: es}
                task: {kind: translate}
                model: {embedding: {dim: 8}}
                """);
        UnsupportedExportException e = assertThrows(UnsupportedExportException.class, () -> OnnxSupport.check(c));
        assertEquals("task.kind: translate", e.option());
        assertTrue(e.getMessage().contains("gated translate"), e.getMessage());
    }

    @Test
    void recursiveForecastsAreRefusedByName() throws IOException {
        JobConfig c = load(FORECAST.replace(", quantiles: [0.1, 0.5, 0.9]", ", strategy: recursive"));
        UnsupportedExportException e = assertThrows(UnsupportedExportException.class, () -> OnnxSupport.check(c));
        assertEquals("forecast.strategy: recursive", e.option());
        assertTrue(e.getMessage().contains("forecast.strategy: direct"), e.getMessage());
    }

    /** A model option added after the exporter (as a model.weight_norm would be) is refused unless it is off. */
    @ParameterizedTest
    @ValueSource(strings = {"batch", "true", "3", "{momentum: 0.1}"})
    void unknownOptionsAreRefusedByName(String value) throws IOException {
        JsonNode root = OnnxSupport.tree(JobFiles.toYaml(load(CLASSIFY)));
        ((ObjectNode) root.get("model")).set("weight_norm", OnnxSupport.tree(value));
        UnsupportedExportException e = assertThrows(UnsupportedExportException.class, () -> OnnxSupport.check(root));
        assertTrue(e.option().startsWith("model.weight_norm: "), e.option());
        assertTrue(e.getMessage().contains("does not know this option"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "false", "0", "null", "{}"})
    void unknownOptionsThatAreOffPass(String value) throws IOException {
        JsonNode root = OnnxSupport.tree(JobFiles.toYaml(load(CLASSIFY)));
        ((ObjectNode) root.get("model")).set("weight_norm", OnnxSupport.tree(value));
        assertDoesNotThrow(() -> OnnxSupport.check(root));
    }

    @Test
    void unmappedValuesOfKnownKeysAreRefused() throws IOException {
        JsonNode root = OnnxSupport.tree(JobFiles.toYaml(load(CLASSIFY)));
        ((ObjectNode) root.get("model")).put("head", "mlp");
        UnsupportedExportException e = assertThrows(UnsupportedExportException.class, () -> OnnxSupport.check(root));
        assertEquals("model.head: mlp", e.option());
        assertTrue(e.getMessage().contains("maps only linear"), e.getMessage());
    }
}

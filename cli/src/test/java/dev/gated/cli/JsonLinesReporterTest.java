package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.train.TrainingListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLinesReporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StringWriter sink = new StringWriter();
    private final JsonLinesReporter r = new JsonLinesReporter(new PrintWriter(sink),
            Clock.fixed(Instant.parse("2026-01-02T03:04:05.678901Z"), ZoneOffset.UTC));

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : sink.toString().split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void oneObjectPerEventWithTimeAndFields() throws Exception {
        r.onStart(new TrainingListener.Start(Path.of("/runs/a"), "cpu", "device=cpu", 457, 993, 32, 2, 64,
                Path.of("/runs/a/checkpoints/step-64.safetensors")));
        r.onStep(new TrainingListener.Step(3, 65, 1, 0.5, 100, 1, 2));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", 0.25);
        m.put("val_loss", Double.NaN);
        r.onEpoch(new TrainingListener.Epoch(3, 96, m, true, 1.5));
        r.onCheckpoint(Path.of("/runs/a/checkpoints/last.safetensors"), "last", 96);
        r.onWarning("skipped \"x\"\nsecond line");
        r.onEnd(new TrainingListener.End(Path.of("/runs/a"), 96, 3.0, Map.of("test_mae", 2.0),
                List.of(Path.of("/runs/a/model.safetensors"))));

        List<JsonNode> e = lines();
        assertEquals(5, e.size(), "no step events: " + sink);
        assertEquals(List.of("start", "epoch", "checkpoint", "warning", "end"),
                e.stream().map(n -> n.get("event").asText()).toList());
        for (JsonNode n : e) {
            assertEquals("2026-01-02T03:04:05.678Z", n.get("time").asText());
        }
        assertTrue(e.get(0).get("resumed").asBoolean());
        assertEquals(64, e.get(0).get("step").asLong());
        assertEquals(64, e.get(0).get("total_steps").asLong());
        assertEquals(0.25, e.get(1).get("metrics").get("train_loss").asDouble());
        assertTrue(e.get(1).get("metrics").get("val_loss").isNull(), "NaN is not JSON: null");
        assertEquals("last", e.get(2).get("kind").asText());
        assertEquals("/runs/a/checkpoints/last.safetensors", e.get(2).get("path").asText());
        assertEquals("skipped \"x\"\nsecond line", e.get(3).get("message").asText());
        assertEquals(0, e.get(4).get("exit_code").asInt());
        assertEquals("ok", e.get(4).get("status").asText());
        assertEquals("/runs/a/model.safetensors", e.get(4).get("files").get(0).asText());
    }

    @Test
    void stoppedAndFailedRunsEndWithTheirExitCode() throws Exception {
        r.onStopped(70, "SIGTERM");
        r.onFailed(ExitCodes.DATA, "x.csv: no such file");
        List<JsonNode> e = lines();
        assertEquals(75, e.get(0).get("exit_code").asInt());
        assertEquals("interrupted", e.get(0).get("status").asText());
        assertEquals("SIGTERM", e.get(0).get("signal").asText());
        assertEquals(70, e.get(0).get("step").asLong());
        assertEquals(3, e.get(1).get("exit_code").asInt());
        assertEquals("data_error", e.get(1).get("status").asText());
        assertEquals("x.csv: no such file", e.get(1).get("message").asText());
    }
}

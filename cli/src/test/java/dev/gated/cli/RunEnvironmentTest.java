package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** environment.json as gated train records it, and that neither it nor the report can fail a run. */
class RunEnvironmentTest {
    @TempDir
    Path tmp;

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private TrainingListener.Start start(Path runDir) {
        return new TrainingListener.Start(runDir, "cpu (pure Java, 3 threads)", "device=cpu", 123, 10, 2, 3, 0, null);
    }

    @Test
    void recordsVersionsBackendSeedAndEachDataFileWithItsSha256() throws Exception {
        byte[] data = "date,y\n2020-01-01,1\n2020-01-02,2\n".getBytes(StandardCharsets.UTF_8);
        Path csv = Files.write(tmp.resolve("series.csv"), data);
        byte[] vec = "2 2\na 1 0\nb 0 1\n".getBytes(StandardCharsets.UTF_8);
        Path vectors = Files.write(tmp.resolve("v.vec"), vec);
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve(RunFolder.JOB), "data: {kind: words, path: " + csv + ", text_column: t}\n"
                + "model: {cell: gru, hidden: 8, embedding: {dim: 2, pretrained: " + vectors + "}}\n"
                + "task: {kind: classify}\ntraining: {seed: 99, device: cpu}\n");
        RunEnvironment.write(start(run));
        JsonNode e = new ObjectMapper().readTree(run.resolve(RunFolder.ENVIRONMENT).toFile());
        assertEquals(System.getProperty("java.version"), e.path("java_version").asText());
        assertEquals(Gated.version(), e.path("gated_version").asText());
        assertEquals("cpu (pure Java, 3 threads)", e.path("backend").asText());
        assertEquals("cpu", e.path("device_setting").asText());
        assertEquals(99, e.path("seed").asLong());
        assertEquals(Runtime.getRuntime().availableProcessors(), e.path("available_processors").asInt());
        assertTrue(e.path("resumed_from").isNull());
        JsonNode files = e.path("data_files");
        assertEquals(2, files.size(), files::toString);
        assertEquals("data.path", files.get(0).path("role").asText());
        assertEquals(csv.toString(), files.get(0).path("path").asText());
        assertEquals(data.length, files.get(0).path("bytes").asLong());
        assertEquals(sha256(data), files.get(0).path("sha256").asText());
        assertEquals("model.embedding.pretrained", files.get(1).path("role").asText());
        assertEquals(sha256(vec), files.get(1).path("sha256").asText());
    }

    @Test
    void aFolderOfDataIsHashedFileByFileAndAMissingFileSaysSo() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("npy"));
        Files.writeString(folder.resolve("b.npy"), "B");
        Files.writeString(folder.resolve("a.npy"), "A");
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve(RunFolder.JOB), "data: {kind: npy, path: " + folder + "}\n"
                + "model: {cell: gru, hidden: 8, init_from: " + tmp.resolve("gone.safetensors") + "}\n"
                + "task: {kind: regression}\n");
        RunEnvironment.write(start(run));
        JsonNode files = new ObjectMapper().readTree(run.resolve(RunFolder.ENVIRONMENT).toFile()).path("data_files");
        assertEquals(3, files.size(), files::toString);
        assertTrue(files.get(0).path("path").asText().endsWith("a.npy"));
        assertEquals(sha256("A".getBytes(StandardCharsets.UTF_8)), files.get(0).path("sha256").asText());
        assertTrue(files.get(1).path("path").asText().endsWith("b.npy"));
        assertEquals("model.init_from", files.get(2).path("role").asText());
        assertTrue(files.get(2).path("sha256").isNull(), "a missing file has no checksum");
    }

    @Test
    void aFileThatCannotBeWrittenIsAWarningAndTheStartStillGoesOn() {
        List<String> events = new ArrayList<>();
        TrainingListener next = new TrainingListener() {
            @Override
            public void onStart(Start start) {
                events.add("start");
            }

            @Override
            public void onWarning(String message) {
                events.add("warning: " + message);
            }

            @Override
            public void onEpoch(Epoch epoch) {
                events.add("epoch " + epoch.epoch());
            }
        };
        // No job.yaml in the folder: nothing to read the data files from.
        RunEnvironment.recording(next).onStart(start(tmp.resolve("no-run")));
        assertEquals(2, events.size(), events::toString);
        assertTrue(events.get(0).startsWith("warning: environment.json not written"), events::toString);
        assertEquals("start", events.get(1));
        assertFalse(Files.exists(tmp.resolve("no-run").resolve(RunFolder.ENVIRONMENT)));
    }

    @Test
    void aReportThatCannotBeMadeIsAWarningNotAFailure() {
        List<String> warnings = new ArrayList<>();
        Optional<Path> written = TrainCommand.report(tmp.resolve("not-a-run"), new TrainingListener() {
            @Override
            public void onWarning(String message) {
                warnings.add(message);
            }
        });
        assertTrue(written.isEmpty());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("report.html not written (the run itself is complete"), warnings::toString);
    }
}

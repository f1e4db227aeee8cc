package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.cli.Gated;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key requirement: on the CPU backend, a run killed with SIGKILL ({@code kill -9}) and resumed with
 * {@code --resume} ends with the same weights, bit for bit, and the same metrics as an uninterrupted run with the
 * same seed, with dropout, input noise and reduce-on-plateau switched on. The CLI runs as a separate JVM
 * ({@link GatedJvm}: the shaded jar when it has been built, else the test class path), so that it can really be
 * killed.
 */
class ResumeAfterKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP_FILE = Pattern.compile("step-(\\d+)\\.safetensors");
    private static final Path FORECAST_CSV = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("forecast/seattle-weather.csv");
    /** Kill once this step's checkpoint exists: at least two step checkpoints (every 7 steps) are on disk. */
    private static final long KILL_AT_STEP = 14;

    @TempDir
    Path tmp;

    private record Finished(int exitCode, String output) {
    }

    @Test
    void aRunKilledWithSigkillAndResumedMatchesAnUninterruptedRunBitForBit() throws Exception {
        int epochs = 4;
        for (int attempt = 0; attempt < 3; attempt++, epochs *= 2) {
            Path dir = Files.createDirectories(tmp.resolve("attempt-" + attempt));
            Path job = writeJob(dir, epochs);

            // (b) first, so that a job too short to be killed mid-run is found before paying for run A.
            Path logB = dir.resolve("b-first.log");
            Process b = start(dir, logB, job, "--set", "output.name=b");
            Path checkpointsB = dir.resolve("out/b/checkpoints");
            boolean killed = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (b.isAlive() && System.nanoTime() < deadline) {
                if (newestStep(checkpointsB).orElse(-1) >= KILL_AT_STEP) {
                    b.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no final checkpoint
                    killed = true;
                    break;
                }
                Thread.sleep(2);
            }
            b.waitFor(60, TimeUnit.SECONDS);
            if (!killed) {
                String log = Files.readString(logB);
                if (b.isAlive()) {
                    b.destroyForcibly().waitFor();
                    fail("run B wrote no step-" + KILL_AT_STEP + " checkpoint within 120 s\n" + log);
                }
                assertEquals(0, b.exitValue(), () -> "run B failed on its own\n" + log);
                System.out.println("run B (" + epochs + " epochs) finished before it could be killed; retrying longer");
                continue;
            }
            assertNotEquals(0, b.exitValue(), "B was killed, it must not report success");
            long killedAt = newestStep(checkpointsB).orElseThrow();
            System.out.println("killed run B after its step-" + killedAt + " checkpoint (" + epochs + " epochs)");
            assertTrue(!Files.exists(dir.resolve("out/b/model.safetensors")), "B was killed before it finished");

            // (c) resume B to the end.
            Finished resumed = finish(start(dir, dir.resolve("b-resumed.log"), job, "--set", "output.name=b",
                    "--resume"), dir.resolve("b-resumed.log"));
            assertEquals(Gated.OK, resumed.exitCode(), resumed::output);
            assertTrue(resumed.output().contains("resuming from"), resumed::output);

            // (a) the uninterrupted run.
            Finished a = finish(start(dir, dir.resolve("a.log"), job, "--set", "output.name=a"), dir.resolve("a.log"));
            assertEquals(Gated.OK, a.exitCode(), a::output);

            Path runA = dir.resolve("out/a");
            Path runB = dir.resolve("out/b");
            assertBitIdentical("checkpoints/last.safetensors",
                    CheckpointFiles.read(runA.resolve("checkpoints/last.safetensors")).modelTensors(),
                    CheckpointFiles.read(runB.resolve("checkpoints/last.safetensors")).modelTensors());
            assertBitIdentical("model.safetensors", SafeTensors.read(runA.resolve("model.safetensors")).tensors(),
                    SafeTensors.read(runB.resolve("model.safetensors")).tensors());

            List<JsonNode> metricsA = metrics(runA);
            List<JsonNode> metricsB = metrics(runB);
            assertEquals(epochs, metricsA.size(), "A's metrics.jsonl: one line per epoch");
            assertEquals(epochs, metricsB.size(), () -> "B's metrics.jsonl: one line per epoch, got " + metricsB);
            for (int e = 0; e < epochs; e++) {
                for (String k : List.of("epoch", "step", "train_loss", "val_loss", "val_mae", "lr", "grad_norm")) {
                    JsonNode va = metricsA.get(e).get(k);
                    JsonNode vb = metricsB.get(e).get(k);
                    assertEquals(String.valueOf(va), String.valueOf(vb),
                            "metrics.jsonl line " + (e + 1) + ", " + k + ": A " + va + ", B " + vb);
                }
            }
            List<Map<String, Double>> healthA = MetricsLog.read(runA.resolve(RunFolder.HEALTH_JSONL));
            assertEquals(metricsA.get(epochs - 1).get("step").asLong() / 3, healthA.size(), "a health row every 3 steps");
            assertEquals(healthA, MetricsLog.read(runB.resolve(RunFolder.HEALTH_JSONL)), "health.jsonl");
            return;
        }
        fail("run B always finished before it could be killed, even with " + epochs / 2 + " epochs");
    }

    private static void assertBitIdentical(String what, Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertEquals(a.keySet(), b.keySet(), what + ": tensor names");
        for (String name : a.keySet()) {
            assertEquals(a.get(name).shape(), b.get(name).shape(), what + ": " + name + " shape");
            float[] fa = a.get(name).toFloatArray();
            float[] fb = b.get(name).toFloatArray();
            if (!Arrays.equals(fa, fb)) {
                int i = Arrays.mismatch(fa, fb);
                fail(what + ": tensor " + name + " differs first at element " + i + ": uninterrupted " + fa[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(fa[i])) + "), resumed " + fb[i]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(fb[i])) + ")");
            }
        }
    }

    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    private static OptionalLong newestStep(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.map(p -> STEP_FILE.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max();
        } catch (IOException | java.io.UncheckedIOException e) {
            return OptionalLong.empty(); // a file vanished while listing (old checkpoints are pruned)
        }
    }

    private Path writeJob(Path dir, int epochs) throws IOException {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, String.join("\n",
                "data:",
                "  kind: csv",
                "  path: " + FORECAST_CSV.toAbsolutePath().normalize(),
                "  date_column: date",
                "  input_columns: [temp_max, temp_min, precipitation, wind]",
                "  target_columns: [temp_max]",
                "  window: 30",
                "  horizon: 1",
                "  split: [0.7, 0.15, 0.15]",
                "model:",
                "  cell: lstm",
                "  layers: 2",
                "  hidden: 16",
                // Dropout masks are keyed by the step: a resumed run must draw the same ones.
                "  dropout: {input: 0.05, output: 0.1}",
                "task:",
                "  kind: forecast",
                "training:",
                "  optimizer: adam",
                "  learning_rate: 0.005",
                "  batch_size: 16",
                "  epochs: " + epochs,
                "  shuffle: true",
                "  seed: 5",
                "  clip_grad_norm: 1.0",
                // Reduce-on-plateau's state and the input noise must survive the kill too.
                "  lr_schedule: {kind: reduce_on_plateau, patience: 0, factor: 0.5}",
                "  input_noise: 0.01",
                "  checkpoint_every_steps: 7",
                // Health rows only read the model; the resumed run must write the same ones (after trimming).
                "  health: {every_steps: 3}",
                "  device: cpu",
                "output:",
                "  dir: " + dir.resolve("out").toAbsolutePath(),
                "  plots: false",
                ""));
        return job;
    }

    private static Process start(Path dir, Path log, Path job, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(GatedJvm.command());
        cmd.add("train");
        cmd.add(job.toString());
        cmd.addAll(List.of(extra));
        System.out.println("$ " + String.join(" ", cmd));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static Finished finish(Process p, Path log) throws Exception {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("timed out after 300 s\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        System.out.println(out);
        return new Finished(p.exitValue(), out);
    }
}

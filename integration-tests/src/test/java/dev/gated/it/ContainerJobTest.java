package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The CPU image as a batch job, with real containers: Testcontainers builds {@code docker/Dockerfile.cpu} from the
 * sources, as users do ({@link ShippedImage}: no registry is needed), and runs the forecasting example with a host
 * folder mounted as the run volume, as the non-root user, on a read-only root filesystem, with no network.
 *
 * <p>Without Docker or those two images these tests are skipped with the reason, except when the environment
 * variable {@code CI} is set (or {@code -Drequire.docker=true}): then they fail, so CI cannot pass silently without
 * them.
 */
class ContainerJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FORECAST = ShippedImage.REPO.resolve("examples/forecast");
    /** The image's user (Dockerfile.cpu ARG GATED_UID). */
    private static final int UID = ShippedImage.UID;
    /** Small enough for CI: the forecast example with a smaller model, two epochs. */
    private static final String[][] SHORT = {{"GATED_SET_TRAINING__EPOCHS", "2"}, {"GATED_SET_MODEL__HIDDEN", "8"}};
    /** The Seattle example's optimizer steps in two epochs: 31 batches of its training windows an epoch. */
    private static final int SHORT_STEPS = 62;

    private static ImageFromDockerfile image;
    /** Why the tests skip (no Docker, build or base image, outside CI); null when they run. */
    private static String skipReason;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dockerAndTheImageInputs() {
        skipReason = ShippedImage.unavailable(ContainerJobTest.class);
        if (skipReason == null) {
            image = ShippedImage.cpu();
        }
    }

    /** Each test is reported as skipped, with the reason (an abort in @BeforeAll only shows "Tests run: 0"). */
    @BeforeEach
    void skipWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    // ---- a whole run ----

    @Test
    void forecastExampleRunsAsNonRootOnAReadOnlyRootFilesystem() throws Exception {
        Path runs = runsVolume();
        Finished r = runToEnd(job(FORECAST, runs, SHORT).withEnv("GATED_JOB", "/job/seattle-weather.yaml"));

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(UID + ":" + UID, r.info().getConfig().getUser(), "the image's user");
        assertTrue(r.info().getHostConfig().getReadonlyRootfs(), "the root filesystem was read-only");
        assertTrue(r.stdout().contains("run seattle-weather: cpu"), r::toString);
        assertTrue(r.stdout().contains("epoch 2/2 done in"), r::toString);
        assertTrue(r.stdout().contains("finished: " + SHORT_STEPS + " steps in"), r::toString);
        assertFalse(r.stdout().contains("\r"), "no progress bar when stdout is not a terminal");

        Path run = runs.resolve("seattle-weather");
        for (String f : List.of("job.yaml", "preprocessing.json", "metrics.jsonl", "metrics.csv", "model.safetensors",
                "predictions.csv", "summary.json", "checkpoints/last.safetensors", "checkpoints/best.safetensors")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), () -> f + " missing in the run volume\n" + r);
            assertEquals(UID, Files.getAttribute(run.resolve(f), "unix:uid"), f + " written by the non-root user");
        }
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "one metrics line per epoch");
        for (String png : List.of("training.png", "forecast.png")) {
            BufferedImage plot = ImageIO.read(run.resolve(png).toFile());
            assertNotNull(plot, png + " is a PNG (the image has the fonts headless plotting needs)");
            assertTrue(plot.getWidth() > 100 && plot.getHeight() > 100, png);
        }
        Map<String, HostTensor> weights = SafeTensors.read(run.resolve("model.safetensors")).tensors();
        assertEquals(Shape.of(32, 4), weights.get("rnn.weight_ih_l0").shape(),
                "hidden 8 from GATED_SET_MODEL__HIDDEN: 4*8 rows");
    }

    @Test
    void jsonLogsAreOneEventObjectPerLine() throws Exception {
        Path runs = runsVolume();
        Finished r = runToEnd(job(FORECAST, runs, SHORT).withEnv("GATED_JOB", "/job/seattle-weather.yaml")
                .withEnv("GATED_LOG_FORMAT", "json"));

        assertEquals(0, r.exitCode(), r::toString);
        List<JsonNode> events = events(r.stdout());
        assertEquals("start", events.get(0).get("event").asText());
        assertEquals("/runs/seattle-weather", events.get(0).get("run_dir").asText());
        assertFalse(events.get(0).get("resumed").asBoolean());
        JsonNode end = events.get(events.size() - 1);
        assertEquals("end", end.get("event").asText());
        assertEquals(0, end.get("exit_code").asInt());
        assertEquals(SHORT_STEPS, end.get("step").asLong());
        assertTrue(end.get("summary").has("test_mae"), end::toString);
        List<JsonNode> epochs = events.stream().filter(e -> e.get("event").asText().equals("epoch")).toList();
        assertEquals(2, epochs.size(), r::toString);
        assertTrue(epochs.get(1).get("metrics").get("val_loss").isNumber(), epochs.get(1)::toString);
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("checkpoint")
                && e.get("path").asText().equals("/runs/seattle-weather/checkpoints/last.safetensors")));
        for (JsonNode e : events) {
            Instant.parse(e.get("time").asText()); // ISO-8601, or this throws
        }
    }

    // ---- the image itself ----

    @Test
    void theImageHoldsTheJarButNoBuildToolsSourcesOrMavenRepository() throws Exception {
        // A shell instead of the entrypoint: what is on the image's PATH and in its file system.
        String probe = "for t in java gated mvn javac jar jlink; do command -v $t || echo \"no $t\"; done; "
                + "for d in /src /root/.m2 /opt/jdk /opt/maven; do [ -e $d ] && echo \"has $d\"; done; "
                + "ls -l /opt/gated/gated.jar; true";
        Finished r = runToEnd(job(FORECAST, runsVolume())
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("/bin/sh"))
                .withCommand("-c", probe));

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        for (String tool : List.of("mvn", "javac", "jar", "jlink")) {
            assertTrue(lines.contains("no " + tool), () -> tool + " is in the image\n" + r);
        }
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("has ")), () -> "build stage leftovers\n" + r);
        assertTrue(lines.contains("/opt/gated/bin/gated"), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("/java")), () -> "a Java runtime\n" + r);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("/opt/gated/gated.jar")), () -> "the jar\n" + r);
    }

    // ---- SIGTERM, restart, resume ----

    @Test
    void sigtermWritesACheckpointExits75AndARestartResumesToTheSameWeights() throws Exception {
        Path runs = runsVolume();
        String[][] settings = {{"GATED_SET_TRAINING__EPOCHS", "4"}, {"GATED_SET_MODEL__HIDDEN", "8"},
                {"GATED_SET_TRAINING__CHECKPOINT_EVERY_STEPS", "10"}, {"GATED_LOG_FORMAT", "json"},
                {"GATED_JOB", "/job/seattle-weather.yaml"}};

        long stoppedAt;
        try (GenericContainer<?> c = job(FORECAST, runs, settings)
                .waitingFor(Wait.forLogMessage(".*\"event\":\"checkpoint\",[^\\n]*\"kind\":\"step\".*\\n", 1)
                        .withStartupTimeout(Duration.ofMinutes(2)))) {
            c.start(); // returns once the first step checkpoint is logged: mid-run
            DockerClient docker = c.getDockerClient();
            long t0 = System.nanoTime();
            docker.killContainerCmd(c.getContainerId()).withSignal("TERM").exec();
            InspectContainerResponse info = awaitExit(docker, c.getContainerId(), Duration.ofSeconds(30));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String stdout = c.getLogs(OutputFrame.OutputType.STDOUT);
            String stderr = c.getLogs(OutputFrame.OutputType.STDERR);
            assertEquals(75L, info.getState().getExitCodeLong(), () -> stdout + stderr);
            assertTrue(seconds < 30, "stopped in " + seconds + " s, inside a 30 s grace period");
            System.out.printf("SIGTERM to exit: %.2f s%n", seconds);
            assertTrue(stderr.contains("received SIGTERM"), stderr);
            JsonNode end = events(stdout).get(events(stdout).size() - 1);
            assertEquals("end", end.get("event").asText(), stdout);
            assertEquals(75, end.get("exit_code").asInt());
            assertEquals("interrupted", end.get("status").asText());
            assertEquals("SIGTERM", end.get("signal").asText());
            stoppedAt = end.get("step").asLong();
            assertTrue(stoppedAt < 4 * 32, "stopped before the end: step " + stoppedAt);
        }
        Path checkpoint = runs.resolve(String.format("seattle-weather/checkpoints/step-%09d.safetensors", stoppedAt));
        assertTrue(Files.isRegularFile(checkpoint), "the stop's checkpoint " + checkpoint);
        assertEquals(stoppedAt, CheckpointFiles.read(checkpoint).state().step());
        assertFalse(Files.exists(runs.resolve("seattle-weather/model.safetensors")), "not finished yet");

        // Restarted with the same volume, the image's default command (train --resume=auto) continues the run.
        Finished resumed = runToEnd(job(FORECAST, runs, settings));
        assertEquals(0, resumed.exitCode(), resumed::toString);
        JsonNode start = events(resumed.stdout()).get(0);
        assertTrue(start.get("resumed").asBoolean(), resumed::toString);
        assertEquals(stoppedAt, start.get("step").asLong(), "resumed from the stop's checkpoint");
        assertEquals("/runs/seattle-weather/checkpoints/" + checkpoint.getFileName(),
                start.get("resumed_from").asText());

        Finished whole = runToEnd(job(FORECAST, runs, settings).withEnv("GATED_SET_OUTPUT__NAME", "uninterrupted"));
        assertEquals(0, whole.exitCode(), whole::toString);
        assertFalse(events(whole.stdout()).get(0).get("resumed").asBoolean());
        Path a = runs.resolve("uninterrupted");
        Path b = runs.resolve("seattle-weather");
        assertBitIdentical("model.safetensors", SafeTensors.read(a.resolve("model.safetensors")).tensors(),
                SafeTensors.read(b.resolve("model.safetensors")).tensors());
        assertBitIdentical("checkpoints/last.safetensors",
                CheckpointFiles.read(a.resolve("checkpoints/last.safetensors")).modelTensors(),
                CheckpointFiles.read(b.resolve("checkpoints/last.safetensors")).modelTensors());
        assertEquals(Files.readAllLines(a.resolve("metrics.jsonl")).size(),
                Files.readAllLines(b.resolve("metrics.jsonl")).size(), "one metrics line per epoch in both");
    }

    // ---- a bad job ----

    @Test
    void aBadJobFileExits2WithAMessageNamingTheProblem() throws Exception {
        Path jobDir = Files.createDirectories(tmp.resolve("job"));
        Files.writeString(jobDir.resolve("job.yaml"), String.join("\n",
                "data:", "  kind: csv", "  path: data.csv", "  input_columns: [x]", "  target_columns: [x]",
                "task:", "  kind: forecast", "trainig:", "  epochs: 2", ""));
        Path runs = runsVolume();
        Finished r = runToEnd(job(jobDir, runs));

        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("gated train: error: /job/job.yaml:8:1"), r::toString);
        assertTrue(r.stderr().contains("training"), "did you mean 'training'\n" + r);
        assertFalse(r.stderr().contains("\tat "), "no stack trace for a user's mistake\n" + r);
        try (Stream<Path> s = Files.list(runs)) {
            assertEquals(List.of(), s.toList(), "nothing written");
        }
    }

    // ---- helpers ----

    private record Finished(long exitCode, String stdout, String stderr, InspectContainerResponse info) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /** The image with the job folder at /job (read-only), {@code runs} at /runs, read-only root, no network. */
    @SuppressWarnings("resource") // closed by the callers' try-with-resources
    private static GenericContainer<?> job(Path jobDir, Path runs, String[]... env) {
        GenericContainer<?> c = new GenericContainer<>(image)
                .withNetworkMode("none")
                .withFileSystemBind(jobDir.toAbsolutePath().normalize().toString(), "/job", BindMode.READ_ONLY)
                .withFileSystemBind(runs.toAbsolutePath().toString(), "/runs", BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true));
        for (String[] kv : env) {
            c.withEnv(kv[0], kv[1]);
        }
        return c;
    }

    private static Finished runToEnd(GenericContainer<?> job) {
        try (GenericContainer<?> c = job.withStartupCheckStrategy(
                new ShippedImage.ExitedStartupCheck().withTimeout(Duration.ofMinutes(3)))) {
            c.start();
            InspectContainerResponse info = c.getCurrentContainerInfo();
            Finished f = new Finished(info.getState().getExitCodeLong(), c.getLogs(OutputFrame.OutputType.STDOUT),
                    c.getLogs(OutputFrame.OutputType.STDERR), info);
            System.out.println(f);
            return f;
        }
    }

    private static InspectContainerResponse awaitExit(DockerClient docker, String id, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            InspectContainerResponse info = docker.inspectContainerCmd(id).exec();
            if (!Boolean.TRUE.equals(info.getState().getRunning())) {
                return info;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the container was still running " + limit.toSeconds() + " s after SIGTERM");
    }

    /** A run folder the container's user may write to (the host folder is root's). */
    private Path runsVolume() throws IOException {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwxrwxrwx"));
        return runs;
    }

    private static List<JsonNode> events(String stdout) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                JsonNode e = JSON.readTree(line); // every stdout line is one JSON object
                assertTrue(e.isObject() && e.hasNonNull("event") && e.hasNonNull("time"), line);
                events.add(e);
            }
        }
        assertFalse(events.isEmpty(), "no events on stdout");
        return events;
    }

    private static void assertBitIdentical(String what, Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertEquals(a.keySet(), b.keySet(), what + ": tensor names");
        for (String name : a.keySet()) {
            float[] fa = a.get(name).toFloatArray();
            float[] fb = b.get(name).toFloatArray();
            if (!Arrays.equals(fa, fb)) {
                int i = Arrays.mismatch(fa, fb);
                fail(what + ": " + name + " differs first at element " + i + ": uninterrupted " + fa[i]
                        + ", resumed " + fb[i]);
            }
        }
    }
}

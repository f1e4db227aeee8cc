package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.cli.Gated;
import dev.gated.engine.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real {@code gated train} process, without Docker ({@link ContainerJobTest} does the same in a
 * container): it stops after the current step with a checkpoint and exit code 75 within 30 s, and the same command
 * run again ({@code --resume=auto}) continues to the same weights as an uninterrupted run.
 */
class SigtermEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FORECAST = (Files.isDirectory(Path.of("../examples")) ? Path.of("../examples")
            : Path.of("examples")).resolve("forecast/seattle-weather.yaml");

    @TempDir
    Path tmp;

    @Test
    void sigtermStopsWithACheckpointAndExit75AndTheSameCommandResumes() throws Exception {
        List<String> args = List.of("train", FORECAST.toAbsolutePath().normalize().toString(), "--resume=auto",
                "--log-format", "json", "--device", "cpu", "--set", "output.dir=" + tmp.resolve("runs"),
                "--set", "training.epochs=6", "--set", "model.hidden=8", "--set", "training.checkpoint_every_steps=10",
                "--set", "output.plots=false");
        Path log = tmp.resolve("first.log");
        Process p = start(args, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains("\"kind\":\"step\"")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("no step checkpoint before the end or within 120 s\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM on Linux
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIGTERM");
        System.out.printf("SIGTERM to exit: %.2f s%n", (System.nanoTime() - t0) / 1e9);
        String out = Files.readString(log);
        assertEquals(Gated.INTERRUPTED, p.exitValue(), out);
        assertTrue(out.contains("received SIGTERM"), out);
        JsonNode end = lastEvent(out);
        assertEquals("interrupted", end.get("status").asText(), out);
        long step = end.get("step").asLong();
        Path run = tmp.resolve("runs/seattle-weather");
        assertTrue(Files.isRegularFile(run.resolve(String.format("checkpoints/step-%09d.safetensors", step))), out);

        Process again = start(args, tmp.resolve("again.log"));
        assertTrue(again.waitFor(300, TimeUnit.SECONDS), "the resumed run did not finish");
        String resumed = Files.readString(tmp.resolve("again.log"));
        assertEquals(Gated.OK, again.exitValue(), resumed);
        assertTrue(resumed.contains("\"resumed\":true") && resumed.contains("\"step\":" + step + ","), resumed);

        List<String> whole = new ArrayList<>(args);
        whole.addAll(List.of("--set", "output.name=whole"));
        Process w = start(whole, tmp.resolve("whole.log"));
        assertTrue(w.waitFor(300, TimeUnit.SECONDS), "the uninterrupted run did not finish");
        assertEquals(Gated.OK, w.exitValue(), Files.readString(tmp.resolve("whole.log")));
        var a = SafeTensors.read(tmp.resolve("runs/whole/model.safetensors")).tensors();
        var b = SafeTensors.read(run.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertTrue(Arrays.equals(a.get(name).toFloatArray(), b.get(name).toFloatArray()),
                    name + " differs between the resumed and the uninterrupted run");
        }
    }

    private static JsonNode lastEvent(String out) throws IOException {
        JsonNode last = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                last = JSON.readTree(line);
            }
        }
        assertTrue(last != null && last.get("event").asText().equals("end"), out);
        return last;
    }

    /** The CLI in a JVM of its own on the test class path (the signal must reach a real process). */
    private static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Gated.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}

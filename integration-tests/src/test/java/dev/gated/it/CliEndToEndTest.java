package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code gated} command end to end, in-process, on the CPU backend. */
class CliEndToEndTest {
    private static final Pattern EVAL = Pattern.compile("(?m)^step\\s+(\\d+)/\\d+ .*eval mse (\\S+)$");
    private static final Pattern FINAL =
            Pattern.compile("(?m)^final: eval mse (\\S+) vs naive last-value baseline (\\S+) ");

    @Test
    void demoTrainsAnLstmBelowTheNaiveBaseline() {
        CliRunner.Result r = CliRunner.run("demo", "--device", "cpu", "--cell", "lstm", "--steps", "300",
                "--log-every", "50", "--seed", "7");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("backend: cpu"), r::toString);
        assertTrue(r.out().contains("float32"), r::toString);

        List<Double> eval = new ArrayList<>();
        Matcher m = EVAL.matcher(r.out());
        while (m.find()) {
            eval.add(Double.parseDouble(m.group(2)));
        }
        assertEquals(7, eval.size(), () -> "expected eval lines at steps 0, 50, ..., 300\n" + r);
        double first = eval.get(0);
        double last = eval.get(eval.size() - 1);
        assertTrue(last < 0.2 * first, () -> "the loss should fall at least 5x: " + eval);

        Matcher f = FINAL.matcher(r.out());
        assertTrue(f.find(), r::toString);
        double finalMse = Double.parseDouble(f.group(1));
        double baseline = Double.parseDouble(f.group(2));
        assertEquals(last, finalMse, 1e-6);
        assertTrue(finalMse < baseline, () -> "final " + finalMse + " should be below the naive baseline " + baseline);
    }

    @Test
    void demoIsReproducibleForASeed() {
        String[] args = {"demo", "--device", "cpu", "--cell", "gru", "--steps", "20", "--log-every", "10",
                "--hidden", "8", "--seed", "3"};
        CliRunner.Result a = CliRunner.run(args);
        CliRunner.Result b = CliRunner.run(args);
        assertEquals(0, a.exitCode(), a::toString);
        assertEquals(lossLines(a.out()), lossLines(b.out()));
    }

    private static List<String> lossLines(String out) {
        return out.lines().filter(l -> l.startsWith("step") || l.startsWith("final")).toList();
    }

    @Test
    void infoListsTheCpuBackendAndWhatAutoPicks() {
        CliRunner.Result r = CliRunner.run("info");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+cpu\\s+cpu\\s+priority \\d+\\s+usable\\s+.*")),
                r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+cuda\\s+gpu\\s+priority \\d+\\s+\\S+\\s+.*")),
                r::toString);
        assertTrue(r.out().contains("--device auto -> "), r::toString);
        assertTrue(r.out().contains("available processors"), r::toString);
    }

    @Test
    void deviceGpuWithoutAGpuFailsWithOneClearLine() {
        assumeFalse(GpuBackends.usable().isPresent(), "a GPU backend is usable here");
        CliRunner.Result r = CliRunner.run("demo", "--device", "gpu", "--steps", "5");
        assertNotEquals(0, r.exitCode(), r::toString);
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), () -> "expected one line on stderr\n" + r);
        assertTrue(err.contains("no usable gpu backend"), r::toString);
        assertTrue(err.contains("cuda"), r::toString);
        // The cuda probe's own reason on this machine, e.g. "no NVIDIA driver (libcuda.so.1 not found)".
        String cudaReason = dev.gated.engine.backend.Backends.probeAll().stream()
                .filter(p -> p.provider().name().equals("cuda")).findFirst().orElseThrow()
                .availability().detail();
        assertTrue(err.contains(cudaReason), () -> "expected the cuda probe's reason '" + cudaReason + "'\n" + r);
        assertFalse(err.contains("\tat "), "no stack trace");
        assertFalse(r.out().contains("step"), "nothing trained");
    }

    @Test
    void usageErrorsExitWithTwoAndNameTheOption() {
        CliRunner.Result r = CliRunner.run("demo", "--cell", "rnn");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--cell") && r.err().contains("expected lstm or gru, got 'rnn'"), r::toString);
    }
}

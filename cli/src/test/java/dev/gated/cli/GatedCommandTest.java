package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing, help and errors of the command line; training itself is tested end to end in integration-tests. */
class GatedCommandTest {
    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Gated.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "info"})
    void everyCommandHasHelp(String command) {
        Result r = command.isEmpty() ? run("--help") : run(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: gated" + (command.isEmpty() ? "" : " " + command)), r.out());
    }

    @Test
    void demoHelpListsTheOptions() {
        String out = run("demo", "--help").out();
        for (String option : new String[] {"--cell", "--layers", "--hidden", "--steps", "--batch", "--lr", "--seed",
                "--device"}) {
            assertTrue(out.contains(option), option + " missing from\n" + out);
        }
    }

    @Test
    void versionNamesTheProjectVersion() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s)gated \\d+\\.\\d+\\.\\d+.*"), r.out());
    }

    @Test
    void noCommandPrintsUsageAndExitsWithTwo() {
        Result r = run();
        assertEquals(Gated.USAGE, r.code());
        assertTrue(r.err().startsWith("Usage: gated"), r.err());
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        Result r = run("demo", "--device", "tpu");
        assertEquals(Gated.USAGE, r.code());
        assertEquals("gated demo: Invalid value for option '--device': expected one of auto, cpu, gpu, got 'tpu' "
                + "(see 'gated demo --help')", r.err().strip());
        Result steps = run("demo", "--steps", "0");
        assertEquals(Gated.USAGE, steps.code());
        assertTrue(steps.err().contains("--steps: expected >= 1, got 0"), steps.err());
    }

    @Test
    void misspeltOptionsGetASuggestion() {
        Result r = run("demo", "--stpes", "3");
        assertEquals(Gated.USAGE, r.code());
        assertTrue(r.err().contains("--steps"), r.err());
    }
}

package dev.gated.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** training.health, on_nonfinite, rollback_lr_factor, max_rollbacks: typed values, defaults, load-time errors. */
class HealthJobFilesTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), ToolkitJobFilesTest.BASE + "training:\n" + text);
    }

    @Test
    void keysAreReadAndWrittenBackInTheResolvedJob() throws IOException {
        JobConfig c = JobFiles.load(write("""
                  health: {every_steps: 10, sequences: 4}
                  on_nonfinite: rollback
                  rollback_lr_factor: 0.25
                  max_rollbacks: 5
                """));
        HealthConfig expected = new HealthConfig(10, 4, HealthConfig.OnNonFinite.ROLLBACK, 0.25, 5);
        assertEquals(expected, c.training().health());
        Path resolved = dir.resolve("resolved.yaml");
        JobFiles.writeResolved(c, resolved);
        assertEquals(expected, JobFiles.load(resolved).training().health(), "round trip through job.yaml");
    }

    @Test
    void defaultsAreHealthEvery50StepsAndStop() throws IOException {
        JobConfig c = JobFiles.load(write("  epochs: 2\n"));
        assertEquals(HealthConfig.DEFAULT, c.training().health());
        assertEquals(new HealthConfig(50, 8, HealthConfig.OnNonFinite.STOP, 0.5, 3), HealthConfig.DEFAULT);
        assertEquals(0, JobFiles.load(write("  health: {every_steps: 0}\n")).training().health().everySteps(),
                "0 switches health rows off");
    }

    @Test
    void mistakesAreAllReportedAtLoadTime() throws IOException {
        Path p = write("""
                  health: {every_steps: -1, sequence: 3}
                  on_nonfinite: rolback
                  rollback_lr_factor: 1.5
                  max_rollbacks: 0
                """);
        JobConfigException e = assertThrows(JobConfigException.class, () -> JobFiles.load(p));
        for (String f : List.of("training.health.every_steps: expected an integer >= 0, found -1",
                "unknown key 'sequence' in training.health; did you mean 'sequences'?",
                "training.on_nonfinite: expected one of stop, skip, rollback, found 'rolback'; did you mean 'rollback'?",
                "training.rollback_lr_factor: expected a number in (0, 1)",
                "training.max_rollbacks: expected an integer >= 1, found 0")) {
            assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in:\n" + e.getMessage());
        }
        JobConfigException notRollback = assertThrows(JobConfigException.class,
                () -> JobFiles.load(write("  on_nonfinite: skip\n  max_rollbacks: 2\n")));
        assertTrue(notRollback.getMessage().contains("training.max_rollbacks: 'max_rollbacks' applies only to "
                + "on_nonfinite: rollback, found on_nonfinite: skip"), notRollback.getMessage());
    }
}

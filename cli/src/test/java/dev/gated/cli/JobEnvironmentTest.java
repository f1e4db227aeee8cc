package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobEnvironmentTest {
    @Test
    void variablesBecomeOverridesInADocumentedOrder() {
        JobEnvironment env = new JobEnvironment(Map.of(
                "GATED_SET_TRAINING__EPOCHS", "3",
                "GATED_SET_TRAINING__CHECKPOINT_EVERY_STEPS", "50",
                "GATED_SET_DATA__SPLIT", "[0.8, 0.1, 0.1]",
                "GATED_DEVICE", "cpu",
                "GATED_RUNS", "/runs",
                "PATH", "/usr/bin",
                "GATED_JOB", " /job/job.yaml "));
        assertEquals(List.of("output.dir=/runs", "training.device=cpu", "data.split=[0.8, 0.1, 0.1]",
                "training.checkpoint_every_steps=50", "training.epochs=3"), env.overrides());
        assertEquals(Optional.of(Path.of("/job/job.yaml")), env.job());
        assertEquals(Optional.empty(), env.logFormat());
    }

    @Test
    void blankVariablesAreUnset() {
        JobEnvironment env = new JobEnvironment(Map.of("GATED_JOB", " ", "GATED_RUNS", "", "GATED_LOG_FORMAT", ""));
        assertEquals(Optional.empty(), env.job());
        assertEquals(List.of(), env.overrides());
        assertEquals(Optional.empty(), env.logFormat());
    }

    @Test
    void keyMapping() {
        assertEquals("training.epochs", JobEnvironment.key("GATED_SET_TRAINING__EPOCHS"));
        assertEquals("output.name", JobEnvironment.key("GATED_SET_output__name"));
        assertEquals("training.clip_grad_norm", JobEnvironment.key("GATED_SET_TRAINING__CLIP_GRAD_NORM"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GATED_SET_", "GATED_SET_EPOCHS", "GATED_SET__TRAINING__EPOCHS", "GATED_SET_TRAINING__",
            "GATED_SET_TRAINING___EPOCHS"})
    void malformedNamesAreRejectedWithTheRule(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobEnvironment.key(name));
        assertTrue(e.getMessage().startsWith(name + ": expected GATED_SET_<SECTION>__<KEY>"), e.getMessage());
        assertEquals(ExitCodes.USAGE, ExitCodes.of(e));
    }
}

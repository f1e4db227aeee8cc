package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.checkpoint.CheckpointException;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.io.TensorFormatException;
import dev.gated.engine.train.TrainingDivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitCodesTest {
    @Test
    void theCodesAreTheDocumentedOnesAndDistinct() {
        assertEquals(0, ExitCodes.OK);
        assertEquals(1, ExitCodes.INTERNAL);
        assertEquals(2, ExitCodes.USAGE);
        assertEquals(3, ExitCodes.DATA);
        assertEquals(4, ExitCodes.DIVERGED);
        assertEquals(75, ExitCodes.INTERRUPTED);
        assertEquals(6, Set.of("ok", "internal_error", "usage_error", "data_error", "diverged", "interrupted").size());
        assertEquals("interrupted", ExitCodes.name(75));
        assertEquals("exit_9", ExitCodes.name(9));
    }

    @Test
    void failuresMapToTheirCode() {
        assertEquals(ExitCodes.DIVERGED, ExitCodes.of(new TrainingDivergedException("nan at step 3")));
        assertEquals(ExitCodes.DATA, ExitCodes.of(new DataFormatException("x.csv:3: expected a number")));
        assertEquals(ExitCodes.DATA, ExitCodes.of(new CheckpointException("checksum mismatch")));
        assertEquals(ExitCodes.DATA, ExitCodes.of(new TensorFormatException("truncated")));
        assertEquals(ExitCodes.DATA, ExitCodes.of(new UncheckedIOException(new IOException("disk full"))));
        assertEquals(ExitCodes.USAGE, ExitCodes.of(new BackendUnavailableException("no GPU")));
        assertEquals(ExitCodes.USAGE, ExitCodes.of(new IllegalStateException("the run folder exists")));
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(new NullPointerException()));
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(new ArithmeticException("/ by zero")));
    }

    @Test
    void throughTheCommandLine(@TempDir Path dir) throws IOException {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "data:\n  kind: csv\n  path: missing.csv\n  input_columns: [x]\n  target_columns: [x]\n"
                + "task:\n  kind: forecast\ntraining:\n  device: cpu\noutput:\n  dir: " + dir.resolve("runs") + "\n");
        java.io.StringWriter err = new java.io.StringWriter();
        int missingData = Gated.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
                "train", job.toString());
        assertEquals(ExitCodes.DATA, missingData, err.toString());

        Files.writeString(job, "data:\n  kind: csv\n  path: x.csv\n  input_columns: [x]\n  target_columns: [x]\n"
                + "task:\n  kind: forcast\n");
        err = new java.io.StringWriter();
        int badJob = Gated.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err),
                "train", job.toString());
        assertEquals(ExitCodes.USAGE, badJob, err.toString());
        assertEquals(false, err.toString().contains("\tat "), err.toString());
    }

    @Test
    void trainWithoutAJobOrWithABadLogFormatIsAUsageError(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("GATED_JOB") == null
                && System.getenv("GATED_LOG_FORMAT") == null, "GATED_JOB / GATED_LOG_FORMAT set in this environment");
        java.io.StringWriter err = new java.io.StringWriter();
        int none = Gated.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), "train");
        assertEquals(ExitCodes.USAGE, none, err.toString());
        assertEquals(true, err.toString().contains("missing the job file: give JOB or set GATED_JOB"), err.toString());

        Path job = Files.writeString(dir.resolve("job.yaml"), "data: {}\n");
        err = new java.io.StringWriter();
        int xml = Gated.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), "train",
                job.toString(), "--log-format", "xml");
        assertEquals(ExitCodes.USAGE, xml, err.toString());
        assertEquals(true, err.toString().contains("--log-format: expected text or json, found 'xml'"), err.toString());
    }
}

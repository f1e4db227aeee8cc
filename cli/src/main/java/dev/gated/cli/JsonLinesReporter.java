package dev.gated.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Training events as JSON lines for log collectors: one object per line, each with {@code event} (start, epoch,
 * checkpoint, warning, end) and {@code time} (ISO-8601, UTC, milliseconds). Steps are not logged (too many); the
 * {@code end} event carries the exit code, also when the run was stopped or failed. Non-finite numbers are written
 * as {@code null}, as JSON has no NaN.
 */
final class JsonLinesReporter implements TrainingListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;
    private final Clock clock;

    JsonLinesReporter(PrintWriter out) {
        this(out, Clock.systemUTC());
    }

    JsonLinesReporter(PrintWriter out, Clock clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onStart(Start s) {
        ObjectNode o = event("start");
        o.put("run_dir", str(s.runDir()));
        o.put("backend", s.backend());
        o.put("backend_reason", s.backendReason());
        o.put("parameters", s.parameters());
        o.put("train_examples", s.trainExamples());
        o.put("steps_per_epoch", s.stepsPerEpoch());
        o.put("epochs", s.epochs());
        o.put("total_steps", s.totalSteps());
        o.put("step", s.startStep());
        o.put("resumed", s.resumedFrom() != null);
        o.put("resumed_from", str(s.resumedFrom()));
        emit(o);
    }

    @Override
    public void onEpoch(Epoch e) {
        ObjectNode o = event("epoch");
        o.put("epoch", e.epoch());
        o.put("step", e.step());
        putNumbers(o.putObject("metrics"), e.metrics());
        o.put("improved", e.improved());
        putNumber(o, "seconds", e.seconds());
        emit(o);
    }

    @Override
    public void onCheckpoint(Path file, String kind, long step) {
        ObjectNode o = event("checkpoint");
        o.put("kind", kind);
        o.put("step", step);
        o.put("path", str(file));
        emit(o);
    }

    @Override
    public void onWarning(String message) {
        ObjectNode o = event("warning");
        o.put("message", message);
        emit(o);
    }

    @Override
    public void onEnd(End end) {
        ObjectNode o = endEvent(ExitCodes.OK, end.steps());
        putNumber(o, "seconds", end.seconds());
        o.put("run_dir", str(end.runDir()));
        putNumbers(o.putObject("summary"), end.summary());
        var files = o.putArray("files");
        for (Path f : end.files() == null ? List.<Path>of() : end.files()) {
            files.add(str(f));
        }
        emit(o);
    }

    /** The {@code end} event of a run that was stopped by a signal after writing a checkpoint. */
    void onStopped(long steps, String signal) {
        ObjectNode o = endEvent(ExitCodes.INTERRUPTED, steps);
        o.put("signal", signal);
        o.put("message", "stopped at step " + steps + "; a checkpoint was written: run again to resume");
        emit(o);
    }

    /** The {@code end} event of a run that failed; {@code message} is what stderr says. */
    void onFailed(int exitCode, String message) {
        ObjectNode o = endEvent(exitCode, null);
        o.put("message", message);
        emit(o);
    }

    private ObjectNode endEvent(int exitCode, Long steps) {
        ObjectNode o = event("end");
        o.put("exit_code", exitCode);
        o.put("status", ExitCodes.name(exitCode));
        if (steps != null) {
            o.put("step", steps);
        }
        return o;
    }

    private ObjectNode event(String name) {
        ObjectNode o = JSON.createObjectNode();
        o.put("event", name);
        o.put("time", Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString());
        return o;
    }

    private static void putNumbers(ObjectNode o, Map<String, Double> values) {
        if (values != null) {
            values.forEach((k, v) -> putNumber(o, k, v));
        }
    }

    private static void putNumber(ObjectNode o, String key, Double v) {
        if (v == null || !Double.isFinite(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }

    private void emit(ObjectNode o) {
        try {
            out.println(JSON.writeValueAsString(o));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON log line: " + e.getMessage(), e);
        }
        out.flush();
    }
}

package dev.gated.cli;

import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.checkpoint.CheckpointException;
import dev.gated.engine.config.JobConfigException;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.io.TensorFormatException;
import dev.gated.engine.train.TrainingDivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The exit status of every {@code gated} command, and the one place where a failure is mapped to it. Batch
 * schedulers act on these: retry on {@link #INTERRUPTED}, fail fast on {@link #USAGE}, {@link #DATA} and
 * {@link #DIVERGED}, report {@link #INTERNAL} as a bug.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An internal error: a bug in Gated (the stack trace goes to stderr). */
    public static final int INTERNAL = 1;
    /** The command line, the job file or a setting is wrong (also: no usable backend for {@code --device gpu}). */
    public static final int USAGE = 2;
    /** A data, weights or checkpoint file is missing, unreadable or corrupt; a NaN-policy violation. */
    public static final int DATA = 3;
    /** Training diverged: a non-finite loss or gradient. */
    public static final int DIVERGED = 4;
    /** Stopped by SIGTERM/SIGINT after writing a checkpoint; run again (with --resume) to continue. EX_TEMPFAIL. */
    public static final int INTERRUPTED = 75;

    private ExitCodes() {
    }

    /** The exit status for a failure; the order matters, as the data exceptions extend IllegalArgumentException. */
    public static int of(Throwable ex) {
        if (ex instanceof TrainingDivergedException) {
            return DIVERGED;
        }
        if (ex instanceof JobConfigException || ex instanceof CommandLine.ParameterException
                || ex instanceof BackendUnavailableException) {
            return USAGE;
        }
        if (ex instanceof DataFormatException || ex instanceof TensorFormatException
                || ex instanceof CheckpointException || ex instanceof UncheckedIOException
                || ex instanceof IOException) {
            return DATA;
        }
        // The engine reports bad settings and run-folder conflicts (folder exists, --resume of a different job,
        // a backend that lacks an operation) with these, always with a message meant for the user.
        if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                || ex instanceof UnsupportedOperationException) {
            return USAGE;
        }
        return INTERNAL;
    }

    /** A short name for logs and the JSON {@code end} event. */
    public static String name(int code) {
        return switch (code) {
            case OK -> "ok";
            case INTERNAL -> "internal_error";
            case USAGE -> "usage_error";
            case DATA -> "data_error";
            case DIVERGED -> "diverged";
            case INTERRUPTED -> "interrupted";
            default -> "exit_" + code;
        };
    }
}

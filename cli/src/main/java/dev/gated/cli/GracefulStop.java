package dev.gated.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT while training: the first one asks the training loop to stop after the current step (it then
 * writes a checkpoint and the command returns {@link ExitCodes#INTERRUPTED}); a second one ends the process at
 * once with the same code, since the checkpoints written before it are intact (atomic writes) and a restart
 * resumes from the newest of them.
 *
 * <p>Handling the signals with {@code sun.misc.Signal} (rather than a shutdown hook) keeps the JVM from starting to
 * shut down, so the main thread finishes its work and chooses the exit status itself. {@link #close()} puts the
 * previous handlers back.
 */
final class GracefulStop implements BooleanSupplier, AutoCloseable {
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private final AtomicBoolean requested = new AtomicBoolean();
    private final PrintWriter err;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final Runnable haltNow;
    private volatile String signalName;

    private GracefulStop(PrintWriter err, Runnable haltNow) {
        this.err = err;
        this.haltNow = haltNow;
    }

    /** Installs the handlers; the messages go to {@code err}. */
    static GracefulStop install(PrintWriter err) {
        return install(err, () -> Runtime.getRuntime().halt(ExitCodes.INTERRUPTED));
    }

    /** As {@link #install(PrintWriter)} with what a second signal does (tests). */
    static GracefulStop install(PrintWriter err, Runnable haltNow) {
        GracefulStop stop = new GracefulStop(err, haltNow);
        List<String> failed = new ArrayList<>();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                stop.previous.put(signal, Signal.handle(signal, stop::onSignal));
            } catch (IllegalArgumentException e) {
                // The JVM keeps the signal for itself (e.g. -Xrs) or the OS lacks it: the default action stays.
                failed.add("SIG" + name);
            }
        }
        if (!failed.isEmpty()) {
            err.println("warning: cannot handle " + String.join(", ", failed) + " in this JVM; it will end training "
                    + "without a final checkpoint");
        }
        return stop;
    }

    /** Runs on a thread of its own per signal; synchronized so a second signal sees the first one's effects. */
    private synchronized void onSignal(Signal signal) {
        if (!requested.get()) {
            signalName = "SIG" + signal.getName(); // before the flag: whoever sees the flag sees the name
            requested.set(true);
            err.println("received " + signalName + ": stopping after the current step and writing a checkpoint "
                    + "(send it again to stop at once)");
            err.flush();
        } else {
            err.println("received SIG" + signal.getName() + " again: stopping now (exit "
                    + ExitCodes.INTERRUPTED + "); the newest checkpoint on disk is intact");
            err.flush();
            haltNow.run();
        }
    }

    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    /** The signal that asked for the stop, e.g. {@code SIGTERM}; null if none came. */
    String signalName() {
        return signalName;
    }

    @Override
    public void close() {
        previous.forEach((signal, handler) -> {
            try {
                Signal.handle(signal, handler);
            } catch (IllegalArgumentException ignored) {
                // it was never ours
            }
        });
        previous.clear();
    }
}

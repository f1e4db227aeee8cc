package dev.gated.cli;

import dev.gated.engine.forecast.Baselines;
import dev.gated.engine.train.TrainingListener;
import java.io.Console;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows a training run's progress on the console.
 *
 * <ul>
 *   <li>{@link Mode#BAR}: for a terminal. One live line, rewritten in place with {@code '\r'} at most
 *       {@value #BAR_REDRAWS_PER_SECOND} times a second; epoch results, warnings and the summary are printed on
 *       lines of their own above it.</li>
 *   <li>{@link Mode#LINES}: for logs (CI, containers, redirected output). A progress line at most every
 *       {@value #LINES_INTERVAL_SECONDS} seconds and at the end of each epoch, then the epoch's results.</li>
 *   <li>{@link Mode#QUIET}: only warnings and the final summary.</li>
 * </ul>
 *
 * All modes print warnings ({@code warning: ...}) and the summary at the end. Checkpoints are not reported.
 * Calls are expected from one thread, in order, as {@link TrainingListener} promises.
 */
public final class ConsoleReporter implements TrainingListener {
    /** How progress is shown. */
    public enum Mode {
        /** A live progress bar (a terminal). */
        BAR,
        /** Plain progress lines now and then (not a terminal). */
        LINES,
        /** Warnings and the final summary only. */
        QUIET
    }

    static final int BAR_REDRAWS_PER_SECOND = 10;
    static final int LINES_INTERVAL_SECONDS = 10;
    private static final int BAR_WIDTH = 14;
    private static final long BAR_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / BAR_REDRAWS_PER_SECOND;
    private static final long LINES_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(LINES_INTERVAL_SECONDS);

    private final PrintWriter out;
    private final Mode mode;
    private final LongSupplier nanoTime;
    private final Path workingDir;

    private Start start;
    /** When the last bar was drawn or progress line printed; null before the first. */
    private Long lastProgressNanos;
    /** Length of the bar line now on screen, or -1 when there is none. */
    private int barLength = -1;
    /** A report table was shown: the end summary leaves out what it showed. */
    private boolean reported;

    /** A reporter timed by {@link System#nanoTime()}. */
    public ConsoleReporter(PrintWriter out, Mode mode) {
        this(out, mode, System::nanoTime);
    }

    /** A reporter with its own clock (tests). */
    public ConsoleReporter(PrintWriter out, Mode mode, LongSupplier nanoTime) {
        this(out, mode, nanoTime, Path.of("").toAbsolutePath());
    }

    /** A reporter with its own clock and folder that file paths are shown relative to (tests). */
    ConsoleReporter(PrintWriter out, Mode mode, LongSupplier nanoTime, Path workingDir) {
        this.out = Objects.requireNonNull(out, "out");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    /**
     * The mode for this process: QUIET if {@code quiet}, BAR if there is an interactive console and {@code TERM}
     * is not "dumb", else LINES.
     */
    public static Mode detect(boolean quiet) {
        Console console = System.console();
        return detect(quiet, console != null && isTerminal(console), System.getenv("TERM"));
    }

    static Mode detect(boolean quiet, boolean terminal, String term) {
        if (quiet) {
            return Mode.QUIET;
        }
        return terminal && !"dumb".equals(term) ? Mode.BAR : Mode.LINES;
    }

    /** From Java 22, {@link System#console()} is not null when output is redirected: ask isTerminal() there. */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // Java 17..21: a console exists only for a terminal
        }
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public void onStart(Start start) {
        this.start = start;
        // The bar appears at the first step; progress lines come every 10 s from now.
        this.lastProgressNanos = mode == Mode.LINES ? nanoTime.getAsLong() : null;
        if (mode == Mode.QUIET) {
            return;
        }
        StringBuilder line = new StringBuilder("run ").append(show(start.runDir())).append(": ")
                .append(start.backend());
        if (start.backendReason() != null && !start.backendReason().isBlank()) {
            line.append(" (").append(start.backendReason()).append(')');
        }
        line.append(String.format(Locale.ROOT, ", %,d parameters, %,d training examples, %,d steps/epoch, %d epochs",
                start.parameters(), start.trainExamples(), start.stepsPerEpoch(), start.epochs()));
        if (start.resumedFrom() != null) {
            line.append(", resuming from ").append(show(start.resumedFrom())).append(" at step ")
                    .append(start.startStep());
        }
        println(line.toString());
    }

    @Override
    public void onStep(Step step) {
        if (mode == Mode.QUIET) {
            return;
        }
        long now = nanoTime.getAsLong();
        boolean endOfEpoch = start != null && step.batchInEpoch() >= start.stepsPerEpoch();
        long interval = mode == Mode.BAR ? BAR_INTERVAL_NANOS : LINES_INTERVAL_NANOS;
        boolean due = lastProgressNanos == null || now - lastProgressNanos >= interval;
        if (!due && !endOfEpoch) {
            return;
        }
        lastProgressNanos = now;
        if (mode == Mode.BAR) {
            drawBar(step);
        } else {
            println(progressLine(step));
        }
    }

    private void drawBar(Step step) {
        StringBuilder line = new StringBuilder(epochOf(step.epoch())).append(' ');
        if (start != null && start.stepsPerEpoch() > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) step.batchInEpoch() / start.stepsPerEpoch()));
            int filled = (int) Math.floor(fraction * BAR_WIDTH);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']')
                    .append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100)));
        }
        line.append("  step ").append(stepOf(step.step()))
                .append("  loss ").append(sig(step.loss(), 4))
                .append("  ").append(rate(step.samplesPerSecond())).append(" samples/s")
                .append("  ETA ").append(duration(step.etaSeconds()));
        String text = line.toString();
        out.print('\r');
        out.print(text);
        if (barLength > text.length()) {
            out.print(" ".repeat(barLength - text.length())); // wipe the end of a longer previous line
        }
        barLength = text.length();
        out.flush();
    }

    private String progressLine(Step step) {
        return epochOf(step.epoch()) + " step " + stepOf(step.step()) + " loss " + sig(step.loss(), 6) + " "
                + rate(step.samplesPerSecond()) + " samples/s ETA " + duration(step.etaSeconds());
    }

    private static final java.util.Set<String> NOT_ON_EPOCH_LINE = java.util.Set.of("epoch", "step", "lr", "seconds",
            "samples_per_s");

    @Override
    public void onEpoch(Epoch epoch) {
        if (mode == Mode.QUIET) {
            return;
        }
        StringBuilder line = new StringBuilder(epochOf(epoch.epoch())).append(" done in ")
                .append(elapsed(epoch.seconds()));
        if (epoch.metrics() != null && !epoch.metrics().isEmpty()) {
            line.append(':');
            for (Map.Entry<String, Double> m : epoch.metrics().entrySet()) {
                // The line already says the epoch and its time; the step, rate and lr are in metrics.csv.
                if (!NOT_ON_EPOCH_LINE.contains(m.getKey())) {
                    line.append(' ').append(m.getKey()).append(' ').append(sig(m.getValue(), 4));
                }
            }
        }
        if (epoch.improved()) {
            line.append(" (best)");
        }
        println(line.toString());
    }

    @Override
    public void onCheckpoint(Path file, String kind, long step) {
        // Not shown: a line per checkpoint is more noise than news. The summary lists the files.
    }

    @Override
    public void onWarning(String message) {
        println("warning: " + message);
    }

    @Override
    public void onReport(String title, List<String> lines) {
        println(title + ":");
        for (String line : lines) {
            println(("  " + line).stripTrailing()); // e.g. an empty translation after "beam: "
        }
        reported = true;
    }

    @Override
    public void onEnd(End end) {
        println("finished: " + String.format(Locale.ROOT, "%,d", end.steps()) + " steps in "
                + elapsed(end.seconds()) + (end.runDir() == null ? "" : " (" + show(end.runDir()) + ")"));
        if (end.summary() != null && !end.summary().isEmpty()) {
            // The baselines' figures are in the report table above (and all of them in summary.json).
            Map<String, Double> shown = new java.util.LinkedHashMap<>();
            end.summary().forEach((k, v) -> {
                if (!reported || !baseline(k)) {
                    shown.put(k, v);
                }
            });
            int width = shown.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, Double> m : shown.entrySet()) {
                println("  " + m.getKey() + " ".repeat(width - m.getKey().length() + 2) + sig(m.getValue(), 4));
            }
        }
        if (end.files() != null && !end.files().isEmpty()) {
            println("files:");
            for (Path file : end.files()) {
                println("  " + show(file));
            }
        }
    }

    /**
     * A summary key of a naive baseline: a forecasting baseline's ({@code test_last_value_mae}) or translation's
     * copy-the-source baseline ({@code test_bleu_copy_source}).
     */
    static boolean baseline(String key) {
        return key.endsWith("_" + COPY_SOURCE) || Baselines.NAMES.stream().anyMatch(b -> key.contains("_" + b + "_"));
    }

    /** The translation report's baseline: the source sentence copied as its translation. */
    private static final String COPY_SOURCE = "copy_source";

    /** Ends a live bar line, so what follows starts on a line of its own. */
    private void println(String line) {
        if (barLength >= 0) {
            out.println();
            barLength = -1;
        }
        out.println(line);
        out.flush();
    }

    private String epochOf(int epoch) {
        return start == null ? "epoch " + epoch : "epoch " + epoch + "/" + start.epochs();
    }

    private String stepOf(long step) {
        return start == null || start.totalSteps() <= 0 ? Long.toString(step) : step + "/" + start.totalSteps();
    }

    /** A path relative to the working directory when it lies below it, else as given. */
    String show(Path path) {
        if (path == null) {
            return "-";
        }
        Path abs = path.toAbsolutePath().normalize();
        if (abs.startsWith(workingDir) && !abs.equals(workingDir)) {
            return workingDir.relativize(abs).toString();
        }
        return path.toString();
    }

    private static String rate(double samplesPerSecond) {
        if (!Double.isFinite(samplesPerSecond) || samplesPerSecond < 0) {
            return "?";
        }
        return samplesPerSecond < 10 ? sig(samplesPerSecond, 2) : Long.toString(Math.round(samplesPerSecond));
    }

    /**
     * {@code x} with {@code digits} significant digits, without trailing zeros, in plain notation when it is
     * between 1e-4 and 1e7 in magnitude (else like {@code 1.235e-05}; whole numbers above {@code 10^digits} keep
     * all their digits: 12346); NaN and infinities as {@code nan}, {@code inf}, {@code -inf}.
     */
    static String sig(Double x, int digits) {
        if (x == null) {
            return "-";
        }
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return "0";
        }
        BigDecimal rounded = BigDecimal.valueOf(x).round(new MathContext(digits, RoundingMode.HALF_UP));
        double abs = Math.abs(rounded.doubleValue());
        if (abs >= Math.pow(10, digits) && abs < 1e7) {
            return Long.toString(Math.round(x)); // 12346, not 12350
        }
        if (abs >= 1e-4 && abs < 1e7) {
            String s = rounded.stripTrailingZeros().toPlainString();
            return s.equals("-0") ? "0" : s;
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
        // 1.200e-05 -> 1.2e-05
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + s.substring(e);
    }

    /**
     * A duration rounded to whole seconds: {@code 42s}, {@code 1m05s}, {@code 1h01m} (minutes cut, not rounded,
     * above an hour); {@code ?} when unknown (NaN, infinite or negative).
     */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Like {@link #duration} but with a tenth of a second below a minute: {@code 4.1s}. */
    static String elapsed(double seconds) {
        if (Double.isFinite(seconds) && seconds >= 0 && seconds < 59.95) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        return duration(seconds);
    }
}

package dev.gated.cli;

import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.rnn.CellType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code gated} command. {@link #commandLine()} builds it fully configured, for {@code main} and for tests. */
@Command(name = "gated", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = "Train LSTM and GRU networks: on an NVIDIA GPU through cuDNN, or in pure Java on the CPU.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, BacktestCommand.class,
                GenerateCommand.class, TranslateCommand.class, TuneCommand.class,
                DemoCommand.class, InfoCommand.class, InspectCommand.class, ExportCommand.class, DoctorCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Environment: GATED_CPU_THREADS (threads of the CPU backend), "
                + "GATED_DEBUG=1 (stack traces on errors); for train also GATED_JOB, GATED_SET_<SECTION>__<KEY>, "
                + "GATED_DEVICE, GATED_RUNS, GATED_LOG_FORMAT (see 'gated train --help').",
                "", "Exit codes: 0 success, 1 internal error, 2 usage or job-file error, 3 data error, "
                + "4 training diverged, 75 interrupted (checkpoint written; run again to resume)."})
public final class Gated implements Callable<Integer> {
    // The exit codes; what each means and how failures map to them: ExitCodes.
    /** Success. */
    public static final int OK = ExitCodes.OK;
    /** An internal error (a bug): the stack trace goes to stderr. */
    public static final int ERROR = ExitCodes.INTERNAL;
    /** The command line, the job file or a setting is wrong. */
    public static final int USAGE = ExitCodes.USAGE;
    /** A data, weights or checkpoint file is missing or corrupt. */
    public static final int DATA = ExitCodes.DATA;
    /** Training diverged. */
    public static final int DIVERGED = ExitCodes.DIVERGED;
    /** Training was stopped (SIGTERM, Ctrl-C) after writing a checkpoint; {@code --resume} continues it. */
    public static final int INTERRUPTED = ExitCodes.INTERRUPTED;

    /** Strong reference, so the level set in {@link #main} is not lost when the logger is collected. */
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.gated");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    public static void main(String[] args) {
        // The commands print the backend choice themselves; keep the engine's INFO log lines off the console.
        ENGINE_LOG.setLevel(Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: converters, one-line errors, exit codes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Gated());
        cl.registerConverter(CellType.class, s -> convert(() -> CellType.parse(s)));
        cl.registerConverter(DeviceMode.class, s -> convert(() -> DeviceMode.parse(s)));
        cl.setParameterExceptionHandler(Gated::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> runtimeError(ex, cmd));
        return cl;
    }

    /** Runs {@code args} with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T convert(Parse<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            // "cell: expected lstm or gru, got 'x'" -> "expected lstm or gru, got 'x'" (picocli names the option).
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            throw new CommandLine.TypeConversionException(colon >= 0 ? m.substring(colon + 2) : m);
        }
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.flush();
        return USAGE;
    }

    private static int runtimeError(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        int code = ExitCodes.of(ex);
        // A bug gets its stack trace; a user's mistake only the message (unless GATED_DEBUG asks for more).
        if (code == ExitCodes.INTERNAL || System.getenv("GATED_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex));
        err.flush();
        return code;
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (ex instanceof UnsupportedOperationException) {
            return "not supported by the selected backend yet: " + m;
        }
        if (ExitCodes.of(ex) != ExitCodes.INTERNAL) {
            return m;
        }
        return ex.getClass().getName() + ": " + m + " (internal error, a bug in Gated: please report it with the "
                + "stack trace above)";
    }

    /** The project version, filtered into gated-version.properties by Maven. */
    static String version() {
        try (InputStream in = Gated.class.getResourceAsStream("/gated-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gated " + version(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                            + System.getProperty("java.vendor") + ")"};
        }
    }
}

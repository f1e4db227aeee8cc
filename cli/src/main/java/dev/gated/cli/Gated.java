package dev.gated.cli;

import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.train.TrainingDivergedException;
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
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, GenerateCommand.class,
                DemoCommand.class, InfoCommand.class, InspectCommand.class, ExportCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Environment: GATED_CPU_THREADS (threads of the CPU backend), "
                + "GATED_DEBUG=1 (stack traces on errors)."})
public final class Gated implements Callable<Integer> {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed: no usable backend, bad data, diverged training. */
    public static final int ERROR = 1;
    /** The command line itself is wrong. */
    public static final int USAGE = 2;
    /** Training was stopped (Ctrl-C, SIGTERM) after writing a checkpoint; {@code --resume} continues it. */
    public static final int INTERRUPTED = 130;

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
        if (System.getenv("GATED_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + describe(ex));
        err.flush();
        return ERROR;
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (ex instanceof BackendUnavailableException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException || ex instanceof TrainingDivergedException
                || ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException
                || ex instanceof dev.gated.engine.config.JobConfigException) {
            return m;
        }
        if (ex instanceof UnsupportedOperationException) {
            return "not supported by the selected backend yet: " + m;
        }
        return ex.getClass().getName() + ": " + m + " (internal error; run with GATED_DEBUG=1 for the stack trace)";
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

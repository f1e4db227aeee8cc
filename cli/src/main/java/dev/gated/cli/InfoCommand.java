package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What this machine offers: Java, cores, every backend found and what {@code auto} picks. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Gated.Version.class,
        description = {"Show the Java runtime, the cores, every backend found (with its probe result) and which "
                + "backend each --device choice would use, and why.", ""})
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Parameters(arity = "0..1", paramLabel = "JOB",
            description = "A job file: also show which backend it would use (its training.device) and why.")
    java.nio.file.Path job;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "gated %s%n", Gated.version());
        out.printf(Locale.ROOT, "java: %s (%s, %s), %s%n", Runtime.version(), System.getProperty("java.vm.name"),
                System.getProperty("java.vendor"), System.getProperty("java.home"));
        out.printf(Locale.ROOT, "os: %s %s (%s)%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.printf(Locale.ROOT, "cores: %d available processors; max heap %.1f GiB%n", rt.availableProcessors(),
                rt.maxMemory() / (1024.0 * 1024 * 1024));
        String threads = System.getenv("GATED_CPU_THREADS");
        out.printf(Locale.ROOT, "GATED_CPU_THREADS: %s%n", threads == null ? "(not set: the CPU backend uses every core)"
                : threads);

        List<Backends.Probe> probes = Backends.probeAll();
        out.println("backends found (ServiceLoader, highest priority first):");
        if (probes.isEmpty()) {
            out.println("  none: no backend module is on the class path");
        }
        for (Backends.Probe p : probes) {
            out.printf(Locale.ROOT, "  %-6s %-3s priority %-4d %-8s %s%n", p.provider().name(),
                    p.provider().kind().name().toLowerCase(Locale.ROOT), p.provider().priority(),
                    p.availability().usable() ? "usable" : "unusable", p.availability().detail());
        }
        out.println("device selection:");
        for (DeviceMode mode : DeviceMode.values()) {
            out.printf(Locale.ROOT, "  --device %-4s -> %s%n", mode, selection(mode));
        }
        if (job != null) {
            DeviceMode mode = dev.gated.engine.config.JobFiles.load(job).training().device();
            out.printf(Locale.ROOT, "job %s (training.device: %s) -> %s%n", job, mode, selection(mode));
        }
        return Gated.OK;
    }

    private static String selection(DeviceMode mode) {
        try {
            Backends.Selection s = Backends.select(mode);
            try (Backend b = s.backend()) {
                return b.name() + " (" + b.description() + "): " + s.reason();
            }
        } catch (BackendUnavailableException e) {
            return "fails: " + e.getMessage();
        }
    }
}

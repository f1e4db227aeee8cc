package dev.gated.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gated tune --workers N}: N worker processes of this same JVM and class path, each running
 * {@code gated tune STUDY --worker}, with {@code GATED_CPU_THREADS} set so that N x threads does not exceed the
 * cores. Each watches this process and stops (with a checkpoint) when it ends, so a coordinator killed with -9
 * leaves no trials running; each writes its output to {@code workers/worker-K.log} in the study folder.
 */
final class WorkerProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /** Threads per worker: the cores shared out, at least 1. */
    static int threadsPerWorker(int workers, int cores) {
        return Math.max(1, cores / workers);
    }

    WorkerProcesses(Path studyFile, Path studyDir, int workers, int threads, Instant deadline) throws IOException {
        Path logDir = studyDir.resolve("workers");
        Files.createDirectories(logDir);
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> base = new ArrayList<>();
        base.add(java);
        base.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        base.add("-cp");
        base.add(System.getProperty("java.class.path"));
        base.add("dev.gated.cli.Gated");
        base.add("tune");
        base.add(studyFile.toAbsolutePath().toString());
        base.add("--worker");
        base.add("--parent-pid=" + ProcessHandle.current().pid());
        if (deadline != null) {
            base.add("--deadline=" + deadline);
        }
        for (int k = 1; k <= workers; k++) {
            List<String> cmd = new ArrayList<>(base);
            cmd.add("--worker-name=worker-" + k);
            Path log = logDir.resolve(String.format(Locale.ROOT, "worker-%d.log", k));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("GATED_CPU_THREADS", Integer.toString(threads));
            processes.add(pb.start());
            logs.add(log);
        }
    }

    boolean anyAlive() {
        return processes.stream().anyMatch(Process::isAlive);
    }

    /** SIGTERM to each: they finish their step, write a checkpoint and exit 75. */
    void stop() {
        processes.forEach(Process::destroy);
    }

    /** The exit codes, waiting for every worker. */
    List<Integer> waitFor() throws InterruptedException {
        List<Integer> codes = new ArrayList<>();
        for (Process p : processes) {
            codes.add(p.waitFor());
        }
        return codes;
    }

    List<Path> logs() {
        return logs;
    }

    @Override
    public void close() {
        processes.forEach(p -> {
            if (p.isAlive()) {
                p.destroy();
            }
        });
    }
}

package dev.gated.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What the tests need from this machine: the driver library, nvcc and a host C++ compiler, found without JCuda. */
final class NativeTools {
    private NativeTools() {
    }

    /** Output and exit status of a finished command. */
    record Result(int status, String output) {
    }

    /** Runs a command (stdout and stderr merged) in {@code dir}; empty if it cannot be started or times out. */
    static Optional<Result> run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The first line of `nvcc --version` that names the release, e.g. "Cuda compilation tools, release 13.0, ...". */
    static Optional<String> nvccVersion() {
        return run(null, List.of("nvcc", "--version")).filter(r -> r.status() == 0)
                .flatMap(r -> r.output().lines().filter(l -> l.startsWith("Cuda compilation tools")).findFirst());
    }

    static boolean hasCommand(String name) {
        return run(null, List.of(name, "--version")).filter(r -> r.status() == 0).isPresent();
    }

    /** Whether libcuda.so.1 (the NVIDIA driver's user-space library) can be found where the dynamic linker looks. */
    static boolean libcudaPresent() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(List.of(ld.split(File.pathSeparator)));
        }
        for (String d : dirs) {
            if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) {
                return true;
            }
        }
        return run(null, List.of("ldconfig", "-p")).map(r -> r.output().contains("libcuda.so.1")).orElse(false);
    }

    /** The module's CUDA sources (tests run with the module folder as working directory). */
    static Path cudaSources() {
        return Path.of("src", "main", "cuda").toAbsolutePath();
    }
}

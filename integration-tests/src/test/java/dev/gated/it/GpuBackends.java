package dev.gated.it;

import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.Backends;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Whether a usable GPU backend is on the class path and, if not, why, quoting every GPU probe. */
final class GpuBackends {
    private GpuBackends() {
    }

    static Optional<Backends.Probe> usable() {
        return gpuProbes().stream().filter(p -> p.availability().usable()).findFirst();
    }

    /** e.g. "no usable GPU backend: cuda: the CUDA backend is not implemented yet (issue 5)". */
    static String noGpuReason() {
        List<Backends.Probe> gpus = gpuProbes();
        if (gpus.isEmpty()) {
            return "no usable GPU backend: no GPU backend module is on the class path";
        }
        return "no usable GPU backend: " + gpus.stream()
                .map(p -> p.provider().name() + ": " + p.availability().detail())
                .collect(Collectors.joining("; "));
    }

    private static List<Backends.Probe> gpuProbes() {
        return Backends.probeAll().stream()
                .filter(p -> p.provider().kind() == BackendProvider.Kind.GPU)
                .toList();
    }
}

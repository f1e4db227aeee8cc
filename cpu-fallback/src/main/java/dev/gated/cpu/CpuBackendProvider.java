package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BackendProvider;

/** Registers the CPU backend; it is always usable, and the fallback of {@code auto}. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Kind kind() {
        return Kind.CPU;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability probe() {
        return Availability.yes("pure Java, " + CpuBackend.defaultThreads() + " threads, Java "
                + Runtime.version());
    }

    @Override
    public Backend create() {
        return new CpuBackend();
    }
}

package dev.gated.it;

import dev.gated.cpu.CpuBackend;
import dev.gated.engine.model.QuantileLossCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link QuantileLossCases} on the float64 CPU backend (2 threads). */
class QuantileLossCpuTest {
    private static CpuBackend backend;

    @BeforeAll
    static void open() {
        backend = new CpuBackend(2);
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void handComputed() {
        QuantileLossCases.handComputed(backend);
    }

    @Test
    void modelGradients() {
        QuantileLossCases.modelGradients(backend);
    }

    @Test
    void rejectsMismatches() {
        QuantileLossCases.rejectsMismatches(backend);
    }
}

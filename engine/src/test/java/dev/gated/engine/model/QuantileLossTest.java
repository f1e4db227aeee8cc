package dev.gated.engine.model;

import dev.gated.engine.conformance.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link QuantileLossCases} on the float64 reference backend. */
class QuantileLossTest {
    private static ReferenceBackend backend;

    @BeforeAll
    static void open() {
        backend = new ReferenceBackend();
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

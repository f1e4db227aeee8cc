package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Backends;
import org.junit.jupiter.api.Test;

class CudaBackendProviderTest {
    @Test
    void isFoundByServiceLoaderAndSaysItIsNotImplemented() {
        BackendProvider cuda = Backends.providers().stream()
                .filter(p -> p.name().equals("cuda"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("cuda provider not registered in META-INF/services"));
        assertEquals(BackendProvider.Kind.GPU, cuda.kind());
        assertTrue(cuda.priority() > 0, "the GPU backend must rank above the CPU backend (priority 0)");
        BackendProvider.Availability a = cuda.probe();
        assertFalse(a.usable());
        assertEquals(CudaBackendProvider.NOT_IMPLEMENTED, a.detail());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, cuda::create);
        assertTrue(e.getMessage().contains("issue 5"), e.getMessage());
    }
}

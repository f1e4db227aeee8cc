package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.gated.engine.backend.BackendProvider;
import dev.gated.engine.backend.BackendUnavailableException;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.backend.Precision;
import org.junit.jupiter.api.Test;

/**
 * Registration, and what the probe says on a machine without an NVIDIA driver (this development machine and CI):
 * the reason names the driver, {@code auto} falls back to the CPU with it and {@code gpu} fails with it.
 */
class CudaBackendProviderTest {
    static final String NO_DRIVER = "no NVIDIA driver (libcuda.so.1 not found)";

    private static BackendProvider cuda() {
        return Backends.providers().stream()
                .filter(p -> p.name().equals("cuda"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("cuda provider not registered in META-INF/services"));
    }

    /** Skips a test that is about a machine without the driver when this one has it. */
    private static void assumeNoDriver() {
        assumeFalse(NativeTools.libcudaPresent(), "libcuda.so.1 is present here: the no-driver reasons cannot be "
                + "observed (the GPU tests in integration-tests cover this machine)");
    }

    @Test
    void isFoundByServiceLoaderAndRanksAboveTheCpu() {
        BackendProvider cuda = cuda();
        assertEquals(BackendProvider.Kind.GPU, cuda.kind());
        assertTrue(cuda.priority() > 0, "the GPU backend must rank above the CPU backend (priority 0)");
        assertTrue(cuda.supports(Precision.FP32));
        assertTrue(cuda.supports(Precision.TF32));
    }

    @Test
    void withoutADriverTheProbeSaysSoAndIsCached() {
        assumeNoDriver();
        BackendProvider.Availability a = cuda().probe();
        assertFalse(a.usable());
        assertEquals(NO_DRIVER, a.detail());
        assertSame(a, cuda().probe(), "the probe runs once per JVM");
    }

    @Test
    void withoutADriverCreateFailsWithTheReason() {
        assumeNoDriver();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> cuda().create());
        assertEquals("cuda: " + NO_DRIVER, e.getMessage());
        e = assertThrows(BackendUnavailableException.class, () -> cuda().create(Precision.TF32));
        assertEquals("cuda: " + NO_DRIVER, e.getMessage());
    }

    @Test
    void withoutADriverAutoFallsBackToTheCpuSayingWhy() {
        assumeNoDriver();
        Backends.Selection s = Backends.select(DeviceMode.AUTO);
        try (var be = s.backend()) {
            assertEquals("cpu", be.name());
            assertTrue(s.reason().contains("cuda (gpu): unusable - " + NO_DRIVER), s.reason());
        }
    }

    @Test
    void withoutADriverGpuModeFailsWithTheReason() {
        assumeNoDriver();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(DeviceMode.GPU));
        assertTrue(e.getMessage().contains(NO_DRIVER), e.getMessage());
        assertTrue(e.getMessage().contains("--device cpu"), e.getMessage());
    }

    @Test
    void tf32OnTheCpuIsFp32AndTheReasonSaysSo() {
        assumeNoDriver();
        Backends.Selection s = Backends.select(DeviceMode.AUTO, Precision.TF32);
        try (var be = s.backend()) {
            assertEquals("cpu", be.name());
            assertTrue(s.reason().contains("precision=tf32 is not available on cpu, computing fp32"), s.reason());
        }
        Backends.Selection fp32 = Backends.select(DeviceMode.CPU, Precision.FP32);
        try (var be = fp32.backend()) {
            assertFalse(fp32.reason().contains("precision"), fp32.reason());
        }
    }

    @Test
    void driverLoadFailuresBecomePlainReasons() {
        assertEquals(NO_DRIVER, CudaContext.driverLoadReason(new UnsatisfiedLinkError(
                "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\": libcuda.so.1: cannot open "
                        + "shared object file: No such file or directory")));
        // A second touch of JCudaDriver in the same JVM: its class initialiser already failed.
        assertEquals(NO_DRIVER, CudaContext.driverLoadReason(new NoClassDefFoundError(
                "Could not initialize class jcuda.driver.JCudaDriver")));
        assertEquals("the JCuda driver bindings failed to load: /tmp is not writable",
                CudaContext.driverLoadReason(new UnsatisfiedLinkError("/tmp is not writable")));
    }

    @Test
    void precisionParsesCaseInsensitivelyAndRejectsOthers() {
        assertEquals(Precision.TF32, Precision.parse(" TF32 "));
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("bf16"));
        assertEquals("precision: expected one of fp32, tf32, got 'bf16'", e.getMessage());
    }
}

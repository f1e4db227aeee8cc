package dev.gated.it;

import dev.gated.engine.backend.Backend;
import java.lang.reflect.Method;

/**
 * Device-memory figures for the GPU tests, looked up reflectively so this module compiles without the CUDA
 * bindings: the backend's own count ({@code memoryInUse()}, which the CUDA backend offers) and the driver's free
 * memory ({@code cuMemGetInfo} through JCuda, which native-kernels brings onto the class path).
 */
final class GpuMemory {
    private GpuMemory() {
    }

    /** Bytes of device memory the backend holds, from its {@code memoryInUse()}. */
    static long inUse(Backend backend) {
        try {
            Method m = backend.getClass().getMethod("memoryInUse");
            return ((Number) m.invoke(backend)).longValue();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(backend.getClass().getName() + " has no public memoryInUse() (issue 5 asks the "
                    + "GPU backend to report the device memory it holds)", e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("memoryInUse() failed: " + e.getCause(), e);
        }
    }

    /**
     * The device's free memory in bytes as the driver reports it ({@code cuMemGetInfo}), for the context current on
     * this thread: call it on the thread that used the backend, which binds its context there.
     */
    static long driverFree() {
        try {
            Class<?> driver = Class.forName("jcuda.driver.JCudaDriver");
            Method info = driver.getMethod("cuMemGetInfo", long[].class, long[].class);
            long[] free = new long[1];
            long[] total = new long[1];
            int status = ((Number) info.invoke(null, free, total)).intValue();
            if (status != 0) {
                throw new AssertionError("cuMemGetInfo failed with status " + status);
            }
            return free[0];
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new AssertionError("JCuda's cuMemGetInfo is not on the class path (native-kernels brings it)", e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cuMemGetInfo failed: " + e.getCause(), e);
        }
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024));
    }
}

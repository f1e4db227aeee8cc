package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.driver;

import dev.gated.engine.backend.Precision;
import java.util.IdentityHashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnStatus;
import jcuda.runtime.cudaStream_t;

/**
 * One device's primary context, the single stream all work is queued on (our kernels, cuBLAS, cuDNN), the
 * cuBLAS and cuDNN handles bound to that stream, our kernel module, and every device allocation made through it.
 * One per {@link CudaBackend}. Not thread-safe: a backend is used from one thread at a time, and every public
 * entry calls {@link #makeCurrent()} so that thread may change between calls.
 *
 * <p>The primary context (not a private one) is used because cuBLAS and cuDNN run on the CUDA runtime, which
 * shares the primary context with the driver API.
 */
final class CudaContext implements AutoCloseable {
    /** CUDA 13 / cuDNN 9 encode versions as major*10000 + minor*100 + patch. */
    static final long MIN_CUDNN_VERSION = 90000;

    private final int ordinal;
    private final CUdevice device;
    private final Precision precision;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final cublasHandle cublas = new cublasHandle();
    private final cudnnHandle cudnn = new cudnnHandle();
    private final Map<CUdeviceptr, Long> allocations = new IdentityHashMap<>();
    private long bytesInUse;
    private Kernels kernels;
    private String deviceName;
    private int computeCapability;
    private long totalMemory;
    private int driverVersion;
    private int cublasVersion;
    private long cudnnVersion;
    private boolean contextRetained;
    private boolean streamCreated;
    private boolean cublasCreated;
    private boolean cudnnCreated;
    private boolean closed;

    private CudaContext(int ordinal, Precision precision) {
        this.ordinal = ordinal;
        this.device = new CUdevice();
        this.precision = precision;
    }

    /**
     * Opens device {@code ordinal} with everything the backend needs. Each step that can fail on a machine
     * without a working GPU stack throws {@link CudaSetupException} with a plain reason naming the missing piece;
     * what was opened before the failure is released.
     */
    static CudaContext open(int ordinal, Precision precision) {
        CudaContext c = new CudaContext(ordinal, precision);
        try {
            c.openDriverAndDevice();
            c.openCublas();
            c.openCudnn();
            c.openKernels();
            return c;
        } catch (RuntimeException | Error e) {
            try {
                c.close();
            } catch (RuntimeException | LinkageError suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void openDriverAndDevice() {
        int init;
        try {
            init = JCudaDriver.cuInit(0);
        } catch (LinkageError e) {
            throw new CudaSetupException(driverLoadReason(e), e);
        }
        if (init == CUresult.CUDA_ERROR_NO_DEVICE) {
            throw new CudaSetupException("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)", null);
        }
        if (init != CUresult.CUDA_SUCCESS) {
            throw new CudaSetupException("the NVIDIA driver failed to initialise (cuInit: " + CUresult.stringFor(init)
                    + ")", null);
        }
        int[] count = new int[1];
        driver(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) {
            throw new CudaSetupException("no CUDA device", null);
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new CudaSetupException("CUDA device " + ordinal + " requested, but there " + (count[0] == 1
                    ? "is 1 device (0)" : "are " + count[0] + " devices (0.." + (count[0] - 1) + ")"), null);
        }
        driver(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet");
        driver(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        contextRetained = true;
        makeCurrent();
        // A blocking stream (not CU_STREAM_NON_BLOCKING): it stays ordered with the legacy default stream, on which
        // the synchronous host<->device copies of upload/download run.
        driver(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        streamCreated = true;
        byte[] name = new byte[256];
        driver(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        deviceName = cString(name);
        int[] major = new int[1];
        int[] minor = new int[1];
        driver(JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                device), "cuDeviceGetAttribute(compute capability major)");
        driver(JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                device), "cuDeviceGetAttribute(compute capability minor)");
        computeCapability = major[0] * 10 + minor[0];
        long[] total = new long[1];
        driver(JCudaDriver.cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        totalMemory = total[0];
        int[] version = new int[1];
        driver(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        driverVersion = version[0];
    }

    /** The JCuda driver bindings failed to load: most often because libcuda.so.1 (the driver) is absent. */
    static String driverLoadReason(LinkageError e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("libcuda") || e instanceof NoClassDefFoundError) {
            // NoClassDefFoundError: JCudaDriver's initialiser already failed once in this JVM, for the same reason.
            return "no NVIDIA driver (libcuda.so.1 not found)";
        }
        return "the JCuda driver bindings failed to load: " + msg;
    }

    private void openCublas() {
        int status;
        try {
            status = JCublas2.cublasCreate(cublas);
        } catch (LinkageError e) {
            throw new CudaSetupException("cuBLAS 13 not found (libcublas.so.13): " + e.getMessage(), e);
        }
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaSetupException("cuBLAS failed to initialise (cublasCreate: " + cublasStatus.stringFor(status)
                    + ")", null);
        }
        cublasCreated = true;
        CudaErrors.cublas(JCublas2.cublasSetStream(cublas, new cudaStream_t(stream)), "cublasSetStream");
        // FP32: plain float32 arithmetic, no tensor-core rounding of the inputs (NVIDIA_TF32_OVERRIDE aside, which
        // only ever forces TF32 off). TF32: tensor cores with 10-bit mantissa inputs, only when asked.
        int mode = precision == Precision.TF32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH;
        CudaErrors.cublas(JCublas2.cublasSetMathMode(cublas, mode), "cublasSetMathMode");
        int[] v = new int[1];
        CudaErrors.cublas(JCublas2.cublasGetVersion(cublas, v), "cublasGetVersion");
        cublasVersion = v[0];
    }

    private void openCudnn() {
        long version;
        try {
            version = JCudnn.cudnnGetVersion();
        } catch (LinkageError e) {
            throw new CudaSetupException("cuDNN 9 not found (libcudnn.so.9): " + e.getMessage(), e);
        }
        if (version < MIN_CUDNN_VERSION) {
            throw new CudaSetupException("cuDNN 9 or newer needed (libcudnn.so.9), found version " + version, null);
        }
        cudnnVersion = version;
        int status = JCudnn.cudnnCreate(cudnn);
        if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            throw new CudaSetupException("cuDNN failed to initialise (cudnnCreate: " + cudnnStatus.stringFor(status)
                    + ")", null);
        }
        cudnnCreated = true;
        int s = JCudnn.cudnnSetStream(cudnn, new cudaStream_t(stream));
        if (s != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            throw new CudaErrors.CudaFailure("cuDNN call cudnnSetStream failed: " + cudnnStatus.stringFor(s), s);
        }
    }

    private void openKernels() {
        try {
            kernels = Kernels.load(stream);
        } catch (RuntimeException | LinkageError e) {
            throw new CudaSetupException("kernel module failed to load: " + e.getMessage(), e);
        }
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    // ---- the contract CudaBackend and the cuDNN RNN code use ----

    /** Binds the context to the calling thread (cheap; call at every public entry). */
    void makeCurrent() {
        checkOpen();
        driver(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** The one stream all work is queued on (cuBLAS, cuDNN, kernels). */
    CUstream stream() {
        return stream;
    }

    /** The stream as the runtime-API type cuBLAS and cuDNN take. */
    cudaStream_t runtimeStream() {
        return new cudaStream_t(stream);
    }

    cublasHandle cublas() {
        return cublas;
    }

    cudnnHandle cudnn() {
        return cudnn;
    }

    Kernels kernels() {
        return kernels;
    }

    Precision precision() {
        return precision;
    }

    /**
     * {@code bytes} of device memory (contents undefined; 0 bytes gives a null pointer that must not be
     * dereferenced). Out of memory: {@link GpuOutOfMemoryException} naming {@code purpose}.
     */
    CUdeviceptr allocate(long bytes, String purpose) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("allocate: bytes must be >= 0, got " + bytes + " (for " + purpose + ")");
        }
        CUdeviceptr p = new CUdeviceptr();
        if (bytes == 0) {
            return p;
        }
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new GpuOutOfMemoryException(bytes, purpose, freeMemory(), totalMemory);
        }
        driver(r, "cuMemAlloc(" + bytes + " bytes for " + purpose + ")");
        allocations.put(p, bytes);
        bytesInUse += bytes;
        return p;
    }

    /**
     * Frees a pointer from {@link #allocate} once the stream has finished with it (work queued before may still
     * read it; cuMemFree itself promises no ordering with the stream). Freeing it twice, or a 0-byte pointer, does
     * nothing.
     */
    void free(CUdeviceptr p) {
        Long bytes = allocations.remove(p);
        if (bytes == null) {
            return;
        }
        bytesInUse -= bytes;
        driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize (before cuMemFree)");
        driver(JCudaDriver.cuMemFree(p), "cuMemFree");
    }

    /** Bytes currently allocated through this context. */
    long bytesInUse() {
        return bytesInUse;
    }

    /** Waits for the stream; a failed kernel or library call (a sticky CUDA error) surfaces here as an exception. */
    void synchronize() {
        checkOpen();
        driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    String deviceName() {
        return deviceName;
    }

    /** e.g. 90 for sm_90. */
    int computeCapability() {
        return computeCapability;
    }

    long totalMemory() {
        return totalMemory;
    }

    long freeMemory() {
        long[] free = new long[1];
        long[] total = new long[1];
        driver(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    int driverVersion() {
        return driverVersion;
    }

    int cublasVersion() {
        return cublasVersion;
    }

    long cudnnVersion() {
        return cudnnVersion;
    }

    int ordinal() {
        return ordinal;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA context of device " + ordinal + " has been closed");
        }
    }

    /**
     * Releases everything in reverse order of creation: waits for the stream, unloads the kernels, destroys the
     * cuDNN and cuBLAS handles, frees what is still allocated, destroys the stream and releases the primary
     * context. Idempotent. The first failure is thrown after every step has been tried.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        RuntimeException first = null;
        if (contextRetained) {
            first = attempt(first, () -> driver(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent"));
        }
        if (streamCreated) {
            first = attempt(first, () -> driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize"));
        }
        if (kernels != null) {
            first = attempt(first, kernels::close);
        }
        if (cudnnCreated) {
            first = attempt(first, () -> {
                int s = JCudnn.cudnnDestroy(cudnn);
                if (s != cudnnStatus.CUDNN_STATUS_SUCCESS) {
                    throw new CudaErrors.CudaFailure("cuDNN call cudnnDestroy failed: " + cudnnStatus.stringFor(s), s);
                }
            });
        }
        if (cublasCreated) {
            first = attempt(first, () -> CudaErrors.cublas(JCublas2.cublasDestroy(cublas), "cublasDestroy"));
        }
        for (CUdeviceptr p : allocations.keySet()) {
            first = attempt(first, () -> driver(JCudaDriver.cuMemFree(p), "cuMemFree"));
        }
        allocations.clear();
        bytesInUse = 0;
        if (streamCreated) {
            first = attempt(first, () -> driver(JCudaDriver.cuStreamDestroy(stream), "cuStreamDestroy"));
        }
        if (contextRetained) {
            first = attempt(first, () -> driver(JCudaDriver.cuDevicePrimaryCtxRelease(device),
                    "cuDevicePrimaryCtxRelease"));
        }
        closed = true;
        if (first != null) {
            throw first;
        }
    }

    private static RuntimeException attempt(RuntimeException first, Runnable step) {
        try {
            step.run();
            return first;
        } catch (RuntimeException e) {
            if (first == null) {
                return e;
            }
            first.addSuppressed(e);
            return first;
        }
    }
}

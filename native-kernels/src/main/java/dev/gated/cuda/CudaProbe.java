package dev.gated.cuda;

import dev.gated.engine.backend.BackendProvider.Availability;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Precision;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;

/**
 * Whether the CUDA backend can run here: the driver, a device, cuBLAS, cuDNN 9 and our kernel module must all load,
 * and a tiny GEMM and one kernel launch must give the right numbers. Every first touch of a binding catches
 * Throwable (LinkageError included: a missing libcuda.so.1 surfaces as UnsatisfiedLinkError, and later as
 * NoClassDefFoundError), so the probe never throws; its reason names the piece that failed. Runs once per JVM.
 */
final class CudaProbe {
    private static Availability cached;

    private CudaProbe() {
    }

    static synchronized Availability probe() {
        if (cached == null) {
            cached = run();
        }
        return cached;
    }

    private static Availability run() {
        CudaBackend be;
        try {
            be = new CudaBackend(Precision.FP32);
        } catch (CudaSetupException e) {
            return Availability.no(e.getMessage());
        } catch (Throwable e) {
            return Availability.no("the CUDA backend failed to start: " + e);
        }
        try (be) {
            String selfTest = selfTest(be);
            if (selfTest != null) {
                return Availability.no("GPU self-test failed: " + selfTest);
            }
            return Availability.yes(be.description());
        } catch (Throwable e) {
            return Availability.no("GPU self-test failed: " + e);
        }
    }

    /**
     * [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50] through cuBLAS, then a kernel (fill) and a reduction: null when all
     * three give exact results, else what went wrong.
     */
    static String selfTest(CudaBackend be) {
        try (Tensor a = be.upload(new float[] {1, 2, 3, 4}, Shape.of(2, 2), DType.FLOAT32);
             Tensor b = be.upload(new float[] {5, 6, 7, 8}, Shape.of(2, 2), DType.FLOAT32);
             Tensor c = be.allocate(DType.FLOAT32, Shape.of(2, 2))) {
            be.gemm(false, false, 1, a, b, 0, c);
            float[] got = be.downloadFloat(c);
            float[] want = {19, 22, 43, 50};
            if (!java.util.Arrays.equals(got, want)) {
                return "cuBLAS sgemm gave " + java.util.Arrays.toString(got) + ", expected "
                        + java.util.Arrays.toString(want);
            }
            be.fill(c, 0.25);
            double s = be.sum(c);
            if (s != 1.0) {
                return "the fill and sum kernels gave " + s + ", expected 1.0";
            }
            return null;
        }
    }
}

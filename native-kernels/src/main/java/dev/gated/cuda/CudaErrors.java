package dev.gated.cuda;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;

/**
 * Turns status codes of the driver and cuBLAS into exceptions naming the call. JCuda's global
 * {@code setExceptionsEnabled} is left alone (it would change the behaviour of every JCuda user in the JVM);
 * every call's status is checked here instead.
 */
final class CudaErrors {
    private CudaErrors() {
    }

    /** A CUDA call failed: a programming error, a driver fault or a sticky error from an earlier kernel. */
    static final class CudaFailure extends IllegalStateException {
        final int code;

        CudaFailure(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    static void driver(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaFailure("CUDA driver call " + call + " failed: " + CUresult.stringFor(result) + " ("
                    + result + ")" + hint(result), result);
        }
    }

    static void cublas(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaFailure("cuBLAS call " + call + " failed: " + cublasStatus.stringFor(status) + " ("
                    + status + ")", status);
        }
    }

    /** Errors that poison the context say so: nothing more can run on this backend. */
    private static String hint(int result) {
        if (result == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || result == CUresult.CUDA_ERROR_LAUNCH_FAILED
                || result == CUresult.CUDA_ERROR_ASSERT || result == CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR
                || result == CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION
                || result == CUresult.CUDA_ERROR_MISALIGNED_ADDRESS) {
            return "; the CUDA context is unusable after this error (a kernel fault), restart the process";
        }
        return "";
    }
}

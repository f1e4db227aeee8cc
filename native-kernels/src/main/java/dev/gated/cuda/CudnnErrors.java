package dev.gated.cuda;

import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnStatus;

/**
 * Turns cuDNN status codes into exceptions naming the call and what it was asked to do. cuDNN 9 renumbered
 * its error codes (e.g. 2000 for BAD_PARAM), which the JCudnn 11.7 constants do not know, so the text comes
 * from the loaded library's {@code cudnnGetErrorString}.
 */
final class CudnnErrors {
    private CudnnErrors() {
    }

    static void check(int status, String call, Object context) {
        if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            throw new CudaErrors.CudaFailure("cuDNN call " + call + " failed: " + describe(status) + " for "
                    + context, status);
        }
    }

    static String describe(int status) {
        try {
            return JCudnn.cudnnGetErrorString(status) + " (" + status + ")";
        } catch (LinkageError e) {
            // Only reachable without the native library, where no cuDNN call could have returned a status.
            return "status " + status;
        }
    }
}

package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Tensor;

/** y = x W^T (+ b) and its gradients over 2-D tensors, PyTorch's {@code nn.Linear} layout (W is [out, in]). */
final class Linear {
    private Linear() {
    }

    /** y = x W^T, or y += x W^T when {@code accumulate}. */
    static void forward(Backend be, Tensor x, Tensor w, Tensor y, boolean accumulate) {
        be.gemm(false, true, 1, x, w, accumulate ? 1 : 0, y);
    }

    /** dW += dy^T x, and dx (+)= dy W when dx is not null. */
    static void backward(Backend be, Tensor x, Tensor w, Tensor dy, Tensor dw, Tensor dx, boolean accumulateDx) {
        be.gemm(true, false, 1, dy, x, 1, dw);
        if (dx != null) {
            be.gemm(false, false, 1, dy, w, accumulateDx ? 1 : 0, dx);
        }
    }
}

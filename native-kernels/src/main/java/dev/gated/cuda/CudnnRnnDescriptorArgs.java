package dev.gated.cuda;

import dev.gated.engine.backend.DType;
import dev.gated.engine.rnn.RnnSpec;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnDirectionMode;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnRNNAlgo;
import jcuda.jcudnn.cudnnRNNBiasMode;
import jcuda.jcudnn.cudnnRNNInputMode;
import jcuda.jcudnn.cudnnRNNMode;

/**
 * The arguments of {@code cudnnSetRNNDescriptor_v8} for an {@link RnnSpec}, as a plain value so the mapping is
 * tested without a device. The constants are JCudnn's (cuDNN 8.4 headers); these enums kept their values in
 * cuDNN 9.
 */
record CudnnRnnDescriptorArgs(int algo, int cellMode, int biasMode, int dirMode, int inputMode, int dataType,
                              int mathPrec, int mathType, int inputSize, int hiddenSize, int projSize,
                              int numLayers, int auxFlags) {
    /** cuDNN's {@code CUDNN_RNN_PADDED_IO_ENABLED} (1U << 0); not among JCudnn 11.7's constants. */
    static final int PADDED_IO_ENABLED = 1;

    /**
     * PyTorch's choices: standard algorithm, two biases per gate (b_ih and b_hh), a linear input layer, and no
     * projection (projSize = hiddenSize). Exact float32 forbids TF32 with {@code CUDNN_FMA_MATH} (what PyTorch
     * does when allow_tf32 is off); {@code allowTf32} gives cuDNN's default math, which may use TF32 tensor
     * cores. float64 always uses the default math: there is no reduced-precision path for it.
     */
    static CudnnRnnDescriptorArgs of(RnnSpec spec, boolean allowTf32) {
        int dataType = dataType(spec.dtype());
        int mathType = spec.dtype() == DType.FLOAT32 && !allowTf32
                ? cudnnMathType.CUDNN_FMA_MATH
                : cudnnMathType.CUDNN_DEFAULT_MATH;
        int cellMode = switch (spec.cell()) {
            case LSTM -> cudnnRNNMode.CUDNN_LSTM;
            case GRU -> cudnnRNNMode.CUDNN_GRU;
        };
        return new CudnnRnnDescriptorArgs(cudnnRNNAlgo.CUDNN_RNN_ALGO_STANDARD, cellMode,
                cudnnRNNBiasMode.CUDNN_RNN_DOUBLE_BIAS,
                spec.bidirectional() ? cudnnDirectionMode.CUDNN_BIDIRECTIONAL : cudnnDirectionMode.CUDNN_UNIDIRECTIONAL,
                cudnnRNNInputMode.CUDNN_LINEAR_INPUT, dataType, dataType, mathType, spec.inputSize(),
                spec.hiddenSize(), spec.hiddenSize(), spec.numLayers(), PADDED_IO_ENABLED);
    }

    static int dataType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> cudnnDataType.CUDNN_DATA_FLOAT;
            case FLOAT64 -> cudnnDataType.CUDNN_DATA_DOUBLE;
        };
    }

    /** Dimensions of hx, cx, hy, cy (and their gradients) for cuDNN: [L*D, B, H]. */
    static int[] stateDims(RnnSpec spec, int batch) {
        return new int[] {spec.numLayers() * spec.directions(), batch, spec.hiddenSize()};
    }

    /** Fully packed row-major strides of {@link #stateDims}. */
    static int[] stateStrides(RnnSpec spec, int batch) {
        return new int[] {batch * spec.hiddenSize(), spec.hiddenSize(), 1};
    }
}

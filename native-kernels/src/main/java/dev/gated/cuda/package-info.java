/**
 * The GPU backend: cuDNN's v8 RNN API, cuBLAS and Gated's own CUDA kernels through JCuda. A skeleton until
 * issue 5; {@link dev.gated.cuda.CudaBackendProvider} reports it unusable.
 */
package dev.gated.cuda;

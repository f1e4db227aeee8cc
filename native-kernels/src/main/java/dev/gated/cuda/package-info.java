/**
 * The GPU backend: {@link dev.gated.cuda.CudaBackend} runs GEMMs on cuBLAS, RNNs on cuDNN's v8 API and everything
 * else on Gated's own CUDA kernels (src/main/cuda, shipped as committed PTX), through JCuda. Found by
 * {@link dev.gated.cuda.CudaBackendProvider}, whose probe says exactly which piece is missing on a machine that
 * cannot run it.
 */
package dev.gated.cuda;

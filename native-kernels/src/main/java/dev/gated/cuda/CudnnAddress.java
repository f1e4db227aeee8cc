package dev.gated.cuda;

import jcuda.Pointer;

/**
 * Reads the numeric address of a JCuda pointer, which JCuda keeps protected. Needed to turn the addresses
 * {@code cudnnGetRNNWeightParams} writes into offsets from the weight-space base; it also serves as the
 * {@code void**} out-parameter of that call (JCudnn writes the address into the object).
 */
final class CudnnAddress extends Pointer {
    CudnnAddress() {
    }

    private CudnnAddress(Pointer p) {
        super(p);
    }

    static long of(Pointer p) {
        return new CudnnAddress(p).address();
    }

    long address() {
        return getNativePointer() + getByteOffset();
    }
}

package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** Pure Java: JCuda pointers are plain objects until a native call touches them. */
class CudnnAddressTest {
    @Test
    void addressIsNativePointerPlusByteOffset() {
        CUdeviceptr base = new CUdeviceptr();
        assertEquals(0, CudnnAddress.of(base));
        assertEquals(4096, CudnnAddress.of(base.withByteOffset(4096)));
        assertEquals(4096 + 24, CudnnAddress.of(base.withByteOffset(4096).withByteOffset(24)));
        assertEquals(0, new CudnnAddress().address(), "an unwritten out-parameter reads as null");
    }
}

package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Sizes and versions as the description and the out-of-memory message show them. */
class CudaFormatTest {
    @Test
    void bytesAreShownInBinaryUnits() {
        assertEquals("0 B", CudaFormat.bytes(0));
        assertEquals("1023 B", CudaFormat.bytes(1023));
        assertEquals("1.5 KiB", CudaFormat.bytes(1536));
        assertEquals("7.5 GiB", CudaFormat.bytes(8_000_000_000L));
        assertEquals("79.1 GiB", CudaFormat.bytes(84_929_347_584L));
    }

    @Test
    void versionsFollowTheLibrariesEncodings() {
        assertEquals("13.0", CudaFormat.driverVersion(13000));
        assertEquals("12.6", CudaFormat.driverVersion(12060));
        assertEquals("13.1.0", CudaFormat.cublasVersion(130100));
        assertEquals("9.13.0", CudaFormat.cudnnVersion(91300));
        assertTrue(CudaContext.MIN_CUDNN_VERSION > 8907, "cuDNN 8.9.7 (8907) is refused");
        assertTrue(CudaContext.MIN_CUDNN_VERSION <= 90000, "cuDNN 9.0.0 (90000) is accepted");
    }

    @Test
    void outOfMemorySaysWhatWasAskedWhatIsFreeAndWhatToDo() {
        GpuOutOfMemoryException e = new GpuOutOfMemoryException(8_000_000_000L, "a tensor float64 [1000000000]",
                3L << 30, 80L << 30);
        assertEquals("GPU out of memory: asked for 7.5 GiB (8000000000 bytes) for a tensor float64 [1000000000], "
                + "but only 3.0 GiB of 80.0 GiB are free; try a smaller batch_size (or a smaller model / shorter "
                + "sequences)", e.getMessage());
        assertEquals(8_000_000_000L, e.requested());
    }

    @Test
    void scratchCapacityGrowsInPowersOfTwo() {
        assertEquals(256, Scratch.grow(1));
        assertEquals(256, Scratch.grow(256));
        assertEquals(512, Scratch.grow(257));
        assertEquals(1L << 20, Scratch.grow((1L << 19) + 1));
    }
}

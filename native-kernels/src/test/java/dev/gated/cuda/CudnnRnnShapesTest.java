package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CudnnRnnShapesTest {
    @Test
    void paddingIsAnySequenceShorterThanT() {
        assertFalse(CudnnRnnShapes.isPadded(new int[] {4, 4, 4}, 4));
        assertTrue(CudnnRnnShapes.isPadded(new int[] {4, 1, 4}, 4));
        assertTrue(CudnnRnnShapes.isPadded(new int[] {3}, 4));
        assertArrayEquals(new int[] {5, 5}, CudnnRnnShapes.full(5, 2));
    }

    @Test
    void tempSpaceBeyondTheAllocationIsRefusedWithTheNumbers() {
        assertDoesNotThrow(() -> CudnnRnnShapes.checkTempSpace("rnnForward", 100, 100, 50, 60, "call"));
        IllegalStateException work = assertThrows(IllegalStateException.class,
                () -> CudnnRnnShapes.checkTempSpace("rnnForward", 101, 100, 50, 60, "LSTM call"));
        assertTrue(work.getMessage().contains("101") && work.getMessage().contains("LSTM call"), work.getMessage());
        IllegalStateException reserve = assertThrows(IllegalStateException.class,
                () -> CudnnRnnShapes.checkTempSpace("rnnBackwardData", 10, 100, 61, 60, "call"));
        assertTrue(reserve.getMessage().startsWith("rnnBackwardData") && reserve.getMessage().contains("61"),
                reserve.getMessage());
    }
}

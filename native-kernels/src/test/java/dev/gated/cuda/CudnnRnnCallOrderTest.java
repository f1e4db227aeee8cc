package dev.gated.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The CPU path's call-order rules, which keep cuDNN from reading a stale reserve space. */
class CudnnRnnCallOrderTest {
    private static final int[] LENGTHS = {4, 2, 3};

    @Test
    void trainingForwardThenBackwardDataThenBackwardWeights() {
        CudnnRnnCallOrder order = new CudnnRnnCallOrder();
        order.forwardStarting();
        order.forwardDone(true, 4, 3, LENGTHS);
        order.requireForward("rnnBackwardData", 4, 3, LENGTHS.clone());
        order.backwardDataDone();
        assertDoesNotThrow(() -> order.requireBackwardData("rnnBackwardWeights", 4, 3, LENGTHS.clone()));
        // Backward-weights may run again (it adds), and backward-data may be repeated on the same forward.
        assertDoesNotThrow(() -> order.requireBackwardData("rnnBackwardWeights", 4, 3, LENGTHS));
        assertDoesNotThrow(() -> order.requireForward("rnnBackwardData", 4, 3, LENGTHS));
    }

    @Test
    void backwardWithoutTrainingForwardIsAStateError() {
        CudnnRnnCallOrder order = new CudnnRnnCallOrder();
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> order.requireForward("rnnBackwardData", 4, 3, LENGTHS));
        assertTrue(none.getMessage().contains("rnnForward(TRAINING)"), none.getMessage());
        order.forwardDone(false, 4, 3, LENGTHS);
        assertThrows(IllegalStateException.class, () -> order.requireForward("rnnBackwardData", 4, 3, LENGTHS));
        order.forwardDone(true, 4, 3, LENGTHS);
        IllegalStateException noData = assertThrows(IllegalStateException.class,
                () -> order.requireBackwardData("rnnBackwardWeights", 4, 3, LENGTHS));
        assertTrue(noData.getMessage().contains("rnnBackwardData"), noData.getMessage());
    }

    @Test
    void aFailedOrInferenceForwardOrCloseInvalidatesTheReserveSpace() {
        CudnnRnnCallOrder order = new CudnnRnnCallOrder();
        order.forwardDone(true, 4, 3, LENGTHS);
        order.backwardDataDone();
        order.forwardStarting();
        assertThrows(IllegalStateException.class, () -> order.requireForward("rnnBackwardData", 4, 3, LENGTHS));
        order.forwardDone(true, 4, 3, LENGTHS);
        order.reset();
        assertThrows(IllegalStateException.class, () -> order.requireForward("rnnBackwardData", 4, 3, LENGTHS));
    }

    @Test
    void anotherBatchIsAnArgumentErrorNamingBoth() {
        CudnnRnnCallOrder order = new CudnnRnnCallOrder();
        int[] lengths = LENGTHS.clone();
        order.forwardDone(true, 4, 3, lengths);
        lengths[1] = 4; // the caller's array changing afterwards must not change what was recorded
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> order.requireForward("rnnBackwardData", 4, 3, new int[] {4, 4, 3}));
        assertTrue(e.getMessage().contains("[4, 2, 3]") && e.getMessage().contains("[4, 4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> order.requireForward("rnnBackwardData", 5, 3, LENGTHS));
        assertThrows(IllegalArgumentException.class,
                () -> order.requireForward("rnnBackwardData", 4, 2, new int[] {4, 2}));
    }
}

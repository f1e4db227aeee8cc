package dev.gated.cuda;

import java.util.Arrays;

/**
 * The order cuDNN needs and the CPU path enforces: backward-data reads what a training forward left in the
 * reserve space, backward-weights what backward-data left there, both for the same batch. Calling them out of
 * order, or for another batch, would make cuDNN read stale data silently; here it is an error with the reason.
 */
final class CudnnRnnCallOrder {
    private enum Stage { EMPTY, FORWARD_DONE, BACKWARD_DATA_DONE }

    private Stage stage = Stage.EMPTY;
    private int seqLength = -1;
    private int batch = -1;
    private int[] lengths;

    /** Before a forward runs: whatever it replaces is no longer usable, even if it fails. */
    void forwardStarting() {
        stage = Stage.EMPTY;
    }

    /** A forward finished; only a training forward leaves what backward needs. */
    void forwardDone(boolean training, int t, int b, int[] seqLengths) {
        stage = training ? Stage.FORWARD_DONE : Stage.EMPTY;
        seqLength = t;
        batch = b;
        lengths = seqLengths.clone();
    }

    void backwardDataDone() {
        stage = Stage.BACKWARD_DATA_DONE;
    }

    void reset() {
        stage = Stage.EMPTY;
    }

    void requireForward(String call, int t, int b, int[] seqLengths) {
        require(Stage.FORWARD_DONE, call, t, b, seqLengths);
    }

    void requireBackwardData(String call, int t, int b, int[] seqLengths) {
        require(Stage.BACKWARD_DATA_DONE, call, t, b, seqLengths);
    }

    private void require(Stage needed, String call, int t, int b, int[] seqLengths) {
        if (stage.ordinal() < needed.ordinal()) {
            throw new IllegalStateException(call + ": this workspace holds no "
                    + (needed == Stage.FORWARD_DONE ? "rnnForward" : "rnnBackwardData")
                    + " result; call rnnForward(TRAINING)" + (needed == Stage.FORWARD_DONE ? "" : " and rnnBackwardData")
                    + " on the same batch first");
        }
        if (t != seqLength || b != batch || !Arrays.equals(seqLengths, lengths)) {
            throw new IllegalArgumentException(call + ": expected the batch of the last rnnForward (T = " + seqLength
                    + ", B = " + batch + ", lengths " + Arrays.toString(lengths) + "), got T = " + t + ", B = " + b
                    + ", lengths " + Arrays.toString(seqLengths));
        }
    }
}

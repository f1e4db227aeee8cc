package dev.gated.cuda;

import java.util.Arrays;

/** Small pure decisions of the cuDNN RNN path, kept apart so they are tested without a device. */
final class CudnnRnnShapes {
    private CudnnRnnShapes() {
    }

    /** Every sequence {@code t} steps long. */
    static int[] full(int t, int batch) {
        int[] lengths = new int[batch];
        Arrays.fill(lengths, t);
        return lengths;
    }

    /** True when some sequence is shorter than T, so the batch has padded steps. */
    static boolean isPadded(int[] lengths, int t) {
        for (int len : lengths) {
            if (len < t) {
                return true;
            }
        }
        return false;
    }

    /**
     * The work and reserve space were sized once for the largest call; a call that needs more (which cuDNN's
     * sizes for smaller shapes should never do) fails here with the numbers instead of inside cuDNN.
     */
    static void checkTempSpace(String call, long needWork, long haveWork, long needReserve, long haveReserve,
                               String what) {
        if (needWork > haveWork || needReserve > haveReserve) {
            throw new IllegalStateException(call + ": cuDNN asks for " + needWork + " bytes of work space and "
                    + needReserve + " bytes of reserve space for " + what + ", but the workspace was sized with "
                    + haveWork + " and " + haveReserve + " bytes for its maximum shape");
        }
    }
}

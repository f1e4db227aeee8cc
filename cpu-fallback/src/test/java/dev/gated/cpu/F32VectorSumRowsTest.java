package dev.gated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API column sums: bit for bit the float chain "0, then each row in order, then added to dst" per column,
 * whichever path (8 vectors per pass, 1 vector, scalar tail) a column takes; columns outside the range stay as they were.
 */
class F32VectorSumRowsTest {
    @ParameterizedTest(name = "rows={0} col0={1} width in vectors={2} extra columns={3}")
    @CsvSource({"1,0,8,0", "37,3,17,5", "200,0,16,0", "5,1,0,3", "64,7,9,15", "0,0,8,1"})
    void equalsTheInOrderFloatChainOfEveryColumn(int rows, int col0, int vectors, int extra) {
        int v = FloatVector.SPECIES_PREFERRED.length();
        int col1 = col0 + vectors * v + extra;
        int ld = col1 + 6;
        int off = 4;
        SplittableRandom r = new SplittableRandom(rows * 31L + col0);
        float[] src = new float[off + Math.max(1, rows) * ld];
        for (int i = 0; i < src.length; i++) {
            // Mixed magnitudes, so a different summation order would round differently.
            src[i] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-3, 4)));
        }
        int dstOff = 2;
        float[] dst = new float[dstOff + ld];
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (float) r.nextDouble(-1, 1);
        }
        float[] expected = dst.clone();
        for (int j = col0; j < col1; j++) {
            float acc = 0f;
            for (int row = 0; row < rows; row++) {
                acc += src[off + row * ld + j];
            }
            expected[dstOff + j] += acc;
        }
        F32VectorKernels.INSTANCE.sumRows(src, off, rows, ld, col0, col1, dst, dstOff);
        for (int i = 0; i < dst.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(dst[i]), "dst[" + i + "]");
        }
    }
}

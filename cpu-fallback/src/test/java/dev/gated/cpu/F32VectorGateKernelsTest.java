package dev.gated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API gate kernels against the scalar ones, at hidden sizes that span several vectors and a tail: the
 * conformance suite's RNN cases are smaller than one 512-bit vector, so there only the scalar tails run. Each
 * kernel reads its inputs at non-zero offsets and must leave what lies around its outputs untouched.
 */
class F32VectorGateKernelsTest {
    private static final int OFF = 3;

    static int[] hiddenSizes() {
        int v = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        return new int[] {1, v - 1, v, 2 * v + 3, 70};
    }

    private static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(lo, hi);
        }
        return a;
    }

    /** Activated gates: sigmoid gates in (0, 1), LSTM's g / GRU's n in (-1, 1). */
    private static float[] gates(SplittableRandom r, int hd, int count, int tanhGate) {
        float[] g = uniform(r, OFF + count * hd + OFF, 0.01, 0.99);
        for (int j = 0; j < hd; j++) {
            g[OFF + tanhGate * hd + j] = (float) r.nextDouble(-0.99, 0.99);
        }
        return g;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    private static F32Kernels vector() {
        assumeTrue(CpuKernels.VECTOR, "the Vector API kernels are off: " + CpuKernels.describe());
        return F32VectorKernels.INSTANCE;
    }

    @ParameterizedTest(name = "H={0}")
    @MethodSource("hiddenSizes")
    void lstmForwardMatchesTheScalarKernel(int hd) {
        F32Kernels vec = vector();
        SplittableRandom r = new SplittableRandom(hd);
        float[] g = uniform(r, OFF + 4 * hd + OFF, -3, 3);
        float[] rec = uniform(r, OFF + 4 * hd, -3, 3);
        float[] bias = uniform(r, OFF + 4 * hd, -1, 1);
        float[] cPrev = uniform(r, OFF + hd, -2, 2);
        float[][] s = {g.clone(), new float[OFF + hd + OFF], new float[OFF + hd + OFF]};
        float[][] v = {g.clone(), new float[OFF + hd + OFF], new float[OFF + hd + OFF]};
        F32Kernels.INSTANCE.lstmForward(hd, s[0], OFF, rec, OFF, bias, OFF, cPrev, OFF, s[1], OFF, s[2], OFF);
        vec.lstmForward(hd, v[0], OFF, rec, OFF, bias, OFF, cPrev, OFF, v[1], OFF, v[2], OFF);
        assertClose(s[0], v[0], "gates");
        assertClose(s[1], v[1], "c");
        assertClose(s[2], v[2], "h");
    }

    @ParameterizedTest(name = "H={0}")
    @MethodSource("hiddenSizes")
    void lstmBackwardMatchesTheScalarKernel(int hd) {
        F32Kernels vec = vector();
        SplittableRandom r = new SplittableRandom(100 + hd);
        float[] g = gates(r, hd, 4, 2);
        float[] c = uniform(r, OFF + hd, -2, 2);
        float[] cPrev = uniform(r, OFF + hd, -2, 2);
        float[] dh = uniform(r, OFF + hd, -1, 1);
        float[] dc = uniform(r, OFF + hd + OFF, -1, 1);
        float[] dg = uniform(r, OFF + 4 * hd + OFF, -1, 1);
        float[][] s = {dc.clone(), dg.clone()};
        float[][] v = {dc.clone(), dg.clone()};
        F32Kernels.INSTANCE.lstmBackward(hd, g, OFF, c, OFF, cPrev, OFF, dh, OFF, s[0], OFF, s[1], OFF);
        vec.lstmBackward(hd, g, OFF, c, OFF, cPrev, OFF, dh, OFF, v[0], OFF, v[1], OFF);
        assertClose(s[0], v[0], "dc");
        assertClose(s[1], v[1], "dg");
    }

    @ParameterizedTest(name = "H={0}")
    @MethodSource("hiddenSizes")
    void gruForwardMatchesTheScalarKernel(int hd) {
        F32Kernels vec = vector();
        SplittableRandom r = new SplittableRandom(200 + hd);
        float[] g = uniform(r, OFF + 3 * hd + OFF, -3, 3);
        float[] rec = uniform(r, OFF + 3 * hd, -3, 3);
        float[] bIh = uniform(r, OFF + 3 * hd, -1, 1);
        float[] bHh = uniform(r, OFF + 3 * hd, -1, 1);
        float[] hPrev = uniform(r, OFF + hd, -1, 1);
        float[][] s = {g.clone(), new float[OFF + hd + OFF], new float[OFF + hd + OFF]};
        float[][] v = {g.clone(), new float[OFF + hd + OFF], new float[OFF + hd + OFF]};
        F32Kernels.INSTANCE.gruForward(hd, s[0], OFF, rec, OFF, bIh, OFF, bHh, OFF, hPrev, OFF, s[1], OFF, s[2], OFF);
        vec.gruForward(hd, v[0], OFF, rec, OFF, bIh, OFF, bHh, OFF, hPrev, OFF, v[1], OFF, v[2], OFF);
        assertClose(s[0], v[0], "gates");
        assertClose(s[1], v[1], "hn");
        assertClose(s[2], v[2], "h");
    }

    @ParameterizedTest(name = "H={0}")
    @MethodSource("hiddenSizes")
    void gruBackwardMatchesTheScalarKernel(int hd) {
        F32Kernels vec = vector();
        SplittableRandom r = new SplittableRandom(300 + hd);
        float[] g = gates(r, hd, 3, 2);
        float[] hn = uniform(r, OFF + hd, -2, 2);
        float[] hPrev = uniform(r, OFF + hd, -1, 1);
        float[] dh = uniform(r, OFF + hd + OFF, -1, 1);
        float[] dgi = uniform(r, OFF + 3 * hd + OFF, -1, 1);
        float[] dgh = uniform(r, OFF + 3 * hd + OFF, -1, 1);
        float[][] s = {dh.clone(), dgi.clone(), dgh.clone()};
        float[][] v = {dh.clone(), dgi.clone(), dgh.clone()};
        F32Kernels.INSTANCE.gruBackward(hd, g, OFF, hn, OFF, hPrev, OFF, s[0], OFF, s[1], OFF, s[2], OFF);
        vec.gruBackward(hd, g, OFF, hn, OFF, hPrev, OFF, v[0], OFF, v[1], OFF, v[2], OFF);
        assertClose(s[0], v[0], "dh");
        assertClose(s[1], v[1], "dg (input side)");
        assertClose(s[2], v[2], "dg (recurrent side)");
    }
}

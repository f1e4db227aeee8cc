package dev.gated.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 gate kernels on the Vector API, with exp and tanh computed in vector registers from adds and multiplies
 * (several times faster than scalar Math.exp, and bit-identical whether interpreted or JIT-compiled). Hidden units
 * past the last full vector use the scalar kernels; which path a unit takes depends only on its index, so results
 * stay independent of batching and thread count.
 *
 * <p>Every vector loop is a private static method of its own, called with arrays and offsets only; inside it, only
 * Vector API calls (which the JIT inlines whatever its budget) and at most one exp/tanh/sigmoid. Past C2's inlining
 * budget, a call of our own that passes vectors is compiled out of line and boxes them (see lstmForward).
 * Loaded only when the jdk.incubator.vector module is present (see {@link CpuKernels}).
 */
final class F32VectorKernels extends F32Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final F32VectorKernels INSTANCE = new F32VectorKernels();

    private F32VectorKernels() {
    }

    @Override
    public void gemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                     int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        VectorGemm.sgemm(threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
    }

    @Override
    public Object pack(Object reuse, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return VectorGemm.pack(reuse instanceof VectorGemm.Packed p ? p : null, transB, k, n, b, bOff, ldb);
    }

    @Override
    public void gemmPacked(CpuThreads threads, boolean transA, int m, float[] a, int aOff, int lda, Object packedB,
                           boolean accumulate, float[] c, int cOff, int ldc) {
        VectorGemm.sgemm(threads, transA, m, a, aOff, lda, (VectorGemm.Packed) packedB, accumulate, c, cOff, ldc);
    }

    /** One read of a for both: the sums are taken while the GEMM gathers a (see {@link VectorGemm}). */
    @Override
    public void gemmTransAColumnSums(CpuThreads threads, int m, int n, int k, float[] a, int aOff, int lda, float[] b,
                                     int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc, float[] sums,
                                     int sumsOff) {
        VectorGemm.sgemm(threads, true, false, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, sums,
                sumsOff);
    }

    /** Column sums in float, one vector of columns at a time, rows in order (tail columns: the same order). */
    @Override
    public void sumRows(float[] src, int off, int rows, int ld, int col0, int col1, float[] dst, int dstOff) {
        int j = col0;
        for (; j + S.length() <= col1; j += S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0, p = off + j; r < rows; r++, p += ld) {
                acc = acc.add(FloatVector.fromArray(S, src, p));
            }
            FloatVector.fromArray(S, dst, dstOff + j).add(acc).intoArray(dst, dstOff + j);
        }
        for (; j < col1; j++) {
            float acc = 0f;
            for (int r = 0, p = off + j; r < rows; r++, p += ld) {
                acc += src[p];
            }
            dst[dstOff + j] += acc;
        }
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    /** tanh(x) = sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|): no overflow, error about 2 ulp. */
    private static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.abs().mul(-2f));
        FloatVector t = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        return t.blend(t.neg(), x.compare(VectorOperators.LT, 0f));
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * exp(x) from adds and multiplies only (Cephes' expf: x = n*ln2 + r, |r| <= ln2/2, a degree-6 polynomial for
     * e^r, then 2^n through the exponent bits), so it rounds identically in the interpreter and in JIT-compiled
     * code. The JDK's lanewise EXP/TANH do not: compiled they call vector math stubs, interpreted they fall back to
     * scalar Math per lane, which may differ in the last bit, and that broke bit-exact resumption of a training run.
     * Inputs are clamped to [-87.3, 88.37] (results from about 1.2e-38 to 2^127.5).
     */
    private static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.33654f).min(88.37626f);
        FloatVector shifted = xc.mul(LOG2E).add(ROUND);
        FloatVector n = shifted.sub(ROUND);
        FloatVector r = xc.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n from the bits of `shifted` = ROUND + n: its low mantissa bits hold n, so no float-to-int conversion
        // (which Java 17's Vector API does not compile to one instruction) is needed.
        FloatVector pow2 = shifted.reinterpretAsInts().sub(ROUND_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(pow2); // max/min keep NaN (Math.max semantics), so NaN stays NaN
    }

    @Override
    public void lstmForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bias, int biasOff,
                            float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff) {
        // One pass per gate, each loop body with a single exp. C2 stops inlining our own methods once a method's
        // graph reaches its node budget (NodeCountInliningCutoff; the Vector API's methods are inlined regardless),
        // and each Vector API op inlines into many nodes: in a body with two exps the second call was compiled out
        // of line, and every vector passed to or returned from such a call is boxed on the heap (measured: ~180
        // bytes allocated per vector, gate kernels 3-8x slower). Splitting a body into passes keeps each element's
        // operations and their order, so results are unchanged.
        int end = S.loopBound(hd);
        sigmoidGate(end, g, gOff, rec, recOff, bias, biasOff);                         // i
        sigmoidGate(end, g, gOff + hd, rec, recOff + hd, bias, biasOff + hd);          // f
        tanhGate(end, g, gOff + 2 * hd, rec, recOff + 2 * hd, bias, biasOff + 2 * hd); // g
        sigmoidGate(end, g, gOff + 3 * hd, rec, recOff + 3 * hd, bias, biasOff + 3 * hd); // o
        lstmCell(end, hd, g, gOff, cPrev, cPrevOff, c, cOff, h, hOff);
        lstmForwardFrom(hd, end, g, gOff, rec, recOff, bias, biasOff, cPrev, cPrevOff, c, cOff, h, hOff);
    }

    /** c = f * cPrev + i * g and h = o * tanh(c) for units j < end, from the activated gates. */
    private static void lstmCell(int end, int hd, float[] g, int gOff, float[] cPrev, int cPrevOff, float[] c,
                                 int cOff, float[] h, int hOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector f = FloatVector.fromArray(S, g, gOff + hd + j);
            FloatVector i = FloatVector.fromArray(S, g, gOff + j);
            FloatVector gg = FloatVector.fromArray(S, g, gOff + 2 * hd + j);
            FloatVector cn = f.mul(FloatVector.fromArray(S, cPrev, cPrevOff + j)).add(i.mul(gg));
            cn.intoArray(c, cOff + j);
            FloatVector.fromArray(S, g, gOff + 3 * hd + j).mul(tanh(cn)).intoArray(h, hOff + j);
        }
    }

    /** g[j] = sigmoid(g[j] + rec[j] + bias[j]) for j < end (a pass of its own: see lstmForward). */
    private static void sigmoidGate(int end, float[] g, int gOff, float[] rec, int recOff, float[] bias,
                                    int biasOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector pre = FloatVector.fromArray(S, g, gOff + j).add(FloatVector.fromArray(S, rec, recOff + j))
                    .add(FloatVector.fromArray(S, bias, biasOff + j));
            sigmoid(pre).intoArray(g, gOff + j);
        }
    }

    /** g[j] = tanh(g[j] + rec[j] + bias[j]) for j < end. */
    private static void tanhGate(int end, float[] g, int gOff, float[] rec, int recOff, float[] bias, int biasOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector pre = FloatVector.fromArray(S, g, gOff + j).add(FloatVector.fromArray(S, rec, recOff + j))
                    .add(FloatVector.fromArray(S, bias, biasOff + j));
            tanh(pre).intoArray(g, gOff + j);
        }
    }

    @Override
    public void lstmBackward(int hd, float[] g, int gOff, float[] c, int cOff, float[] cPrev, int cPrevOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, float[] dg, int dgOff) {
        // Passes, each a method of its own, so that no loop body outgrows C2's inlining budget (see lstmForward):
        // tanh(c) alone (a tanh takes most of the budget), parked in the output gate's dg; then dc and that dg;
        // then the other gates' dg from the new dc.
        int end = S.loopBound(hd);
        tanhInto(end, c, cOff, dg, dgOff + 3 * hd);
        lstmBackwardOutput(end, hd, g, gOff, dh, dhOff, dc, dcOff, dg, dgOff);
        lstmBackwardGates(end, hd, g, gOff, cPrev, cPrevOff, dc, dcOff, dg, dgOff);
        lstmBackwardFrom(hd, end, g, gOff, c, cOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff, dg, dgOff);
    }

    /** dst[j] = tanh(src[j]) for j < end. */
    private static void tanhInto(int end, float[] src, int srcOff, float[] dst, int dstOff) {
        for (int j = 0; j < end; j += S.length()) {
            tanh(FloatVector.fromArray(S, src, srcOff + j)).intoArray(dst, dstOff + j);
        }
    }

    /** dc += dh * o * (1 - tc^2) and the output gate's dg = dh * tc * o * (1 - o), tc = tanh(c) read from that dg. */
    private static void lstmBackwardOutput(int end, int hd, float[] g, int gOff, float[] dh, int dhOff, float[] dc,
                                           int dcOff, float[] dg, int dgOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < end; j += S.length()) {
            FloatVector o = FloatVector.fromArray(S, g, gOff + 3 * hd + j);
            FloatVector tc = FloatVector.fromArray(S, dg, dgOff + 3 * hd + j);
            FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dcj = FloatVector.fromArray(S, dc, dcOff + j);
            dcj.add(dhj.mul(o).mul(one.sub(tc.mul(tc)))).intoArray(dc, dcOff + j);
            dhj.mul(tc).mul(o.mul(one.sub(o))).intoArray(dg, dgOff + 3 * hd + j);
        }
    }

    /** The input, forget and cell gates' dg from dc (as left by lstmBackwardOutput), then dc *= f. */
    private static void lstmBackwardGates(int end, int hd, float[] g, int gOff, float[] cPrev, int cPrevOff,
                                          float[] dc, int dcOff, float[] dg, int dgOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < end; j += S.length()) {
            FloatVector i = FloatVector.fromArray(S, g, gOff + j);
            FloatVector f = FloatVector.fromArray(S, g, gOff + hd + j);
            FloatVector gg = FloatVector.fromArray(S, g, gOff + 2 * hd + j);
            FloatVector dcj = FloatVector.fromArray(S, dc, dcOff + j);
            dcj.mul(gg).mul(i.mul(one.sub(i))).intoArray(dg, dgOff + j);
            FloatVector cp = FloatVector.fromArray(S, cPrev, cPrevOff + j);
            dcj.mul(cp).mul(f.mul(one.sub(f))).intoArray(dg, dgOff + hd + j);
            dcj.mul(i).mul(one.sub(gg.mul(gg))).intoArray(dg, dgOff + 2 * hd + j);
            dcj.mul(f).intoArray(dc, dcOff + j);
        }
    }

    @Override
    public void gruForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bIh, int bIhOff,
                           float[] bHh, int bHhOff, float[] hPrev, int hPrevOff, float[] hn, int hnOff,
                           float[] h, int hOff) {
        // r, z, then n and h: passes of their own, one exp per loop body (see lstmForward).
        int end = S.loopBound(hd);
        gruSigmoidGate(end, g, gOff, bIh, bIhOff, rec, recOff, bHh, bHhOff);                          // r
        gruSigmoidGate(end, g, gOff + hd, bIh, bIhOff + hd, rec, recOff + hd, bHh, bHhOff + hd);       // z
        gruCandidate(end, hd, g, gOff, rec, recOff, bIh, bIhOff, bHh, bHhOff, hn, hnOff);
        gruHidden(end, hd, g, gOff, hPrev, hPrevOff, h, hOff);
        gruForwardFrom(hd, end, g, gOff, rec, recOff, bIh, bIhOff, bHh, bHhOff, hPrev, hPrevOff, hn, hnOff, h, hOff);
    }

    /** n = tanh(g_n + bIh_n + r * (rec_n + bHh_n)) into g_n, rec_n + bHh_n into hn, for units j < end. */
    private static void gruCandidate(int end, int hd, float[] g, int gOff, float[] rec, int recOff, float[] bIh,
                                     int bIhOff, float[] bHh, int bHhOff, float[] hn, int hnOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector hnj = FloatVector.fromArray(S, rec, recOff + 2 * hd + j)
                    .add(FloatVector.fromArray(S, bHh, bHhOff + 2 * hd + j));
            hnj.intoArray(hn, hnOff + j);
            FloatVector r = FloatVector.fromArray(S, g, gOff + j);
            FloatVector pre = FloatVector.fromArray(S, g, gOff + 2 * hd + j)
                    .add(FloatVector.fromArray(S, bIh, bIhOff + 2 * hd + j)).add(r.mul(hnj));
            tanh(pre).intoArray(g, gOff + 2 * hd + j);
        }
    }

    /** h = (1 - z) * n + z * hPrev for units j < end, from the activated gates. */
    private static void gruHidden(int end, int hd, float[] g, int gOff, float[] hPrev, int hPrevOff, float[] h,
                                  int hOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector z = FloatVector.fromArray(S, g, gOff + hd + j);
            FloatVector n = FloatVector.fromArray(S, g, gOff + 2 * hd + j);
            FloatVector hp = FloatVector.fromArray(S, hPrev, hPrevOff + j);
            FloatVector.broadcast(S, 1f).sub(z).mul(n).add(z.mul(hp)).intoArray(h, hOff + j);
        }
    }

    /** g[j] = sigmoid(g[j] + bIh[j] + rec[j] + bHh[j]) for j < end: GRU's r and z gates. */
    private static void gruSigmoidGate(int end, float[] g, int gOff, float[] bIh, int bIhOff, float[] rec,
                                       int recOff, float[] bHh, int bHhOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector pre = FloatVector.fromArray(S, g, gOff + j).add(FloatVector.fromArray(S, bIh, bIhOff + j))
                    .add(FloatVector.fromArray(S, rec, recOff + j)).add(FloatVector.fromArray(S, bHh, bHhOff + j));
            sigmoid(pre).intoArray(g, gOff + j);
        }
    }

    @Override
    public void gruBackward(int hd, float[] g, int gOff, float[] hn, int hnOff, float[] hPrev, int hPrevOff,
                            float[] dh, int dhOff, float[] dgi, int dgiOff, float[] dgh, int dghOff) {
        int end = S.loopBound(hd);
        gruBackwardPass(end, hd, g, gOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dgi, dgiOff, dgh, dghOff);
        gruBackwardFrom(hd, end, g, gOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dgi, dgiOff, dgh, dghOff);
    }

    /** GRU's gate gradients for units j < end (a method of its own, like every vector loop here). */
    private static void gruBackwardPass(int end, int hd, float[] g, int gOff, float[] hn, int hnOff, float[] hPrev,
                                        int hPrevOff, float[] dh, int dhOff, float[] dgi, int dgiOff, float[] dgh,
                                        int dghOff) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < end; j += S.length()) {
            FloatVector r = FloatVector.fromArray(S, g, gOff + j);
            FloatVector z = FloatVector.fromArray(S, g, gOff + hd + j);
            FloatVector n = FloatVector.fromArray(S, g, gOff + 2 * hd + j);
            FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
            FloatVector dn = dhj.mul(one.sub(z)).mul(one.sub(n.mul(n)));
            FloatVector dz = dhj.mul(FloatVector.fromArray(S, hPrev, hPrevOff + j).sub(n)).mul(z.mul(one.sub(z)));
            FloatVector dr = dn.mul(FloatVector.fromArray(S, hn, hnOff + j)).mul(r.mul(one.sub(r)));
            dr.intoArray(dgi, dgiOff + j);
            dz.intoArray(dgi, dgiOff + hd + j);
            dn.intoArray(dgi, dgiOff + 2 * hd + j);
            dr.intoArray(dgh, dghOff + j);
            dz.intoArray(dgh, dghOff + hd + j);
            dn.mul(r).intoArray(dgh, dghOff + 2 * hd + j);
            dhj.mul(z).intoArray(dh, dhOff + j);
        }
    }
}

package dev.gated.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 gate kernels on the Vector API, with exp and tanh computed in vector registers from adds and multiplies
 * (several times faster than scalar Math.exp, and bit-identical whether interpreted or JIT-compiled). Hidden units past the last full vector use the scalar kernels; which path
 * a unit takes depends only on its index, so results stay independent of batching and thread count.
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
                acc = acc.add(load(src, p));
            }
            load(dst, dstOff + j).add(acc).intoArray(dst, dstOff + j);
        }
        for (; j < col1; j++) {
            float acc = 0f;
            for (int r = 0, p = off + j; r < rows; r++, p += ld) {
                acc += src[p];
            }
            dst[dstOff + j] += acc;
        }
    }

    private static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(S, a, off);
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

    /** 1 - x*x. */
    private static FloatVector oneMinusSquare(FloatVector x) {
        return FloatVector.broadcast(S, 1f).sub(x.mul(x));
    }

    /** x * (1 - x). */
    private static FloatVector sigmoidSlope(FloatVector x) {
        return x.mul(FloatVector.broadcast(S, 1f).sub(x));
    }

    @Override
    public void lstmForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bias, int biasOff,
                            float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff) {
        // One pass per gate, each with a single exp: with all five in one loop body the JIT stopped inlining
        // the vector code (its inlining budget ran out) and boxed the vectors, which made the step ~50 % slower.
        int end = S.loopBound(hd);
        activate(end, false, g, gOff, rec, recOff, bias, biasOff);                       // i
        activate(end, false, g, gOff + hd, rec, recOff + hd, bias, biasOff + hd);        // f
        activate(end, true, g, gOff + 2 * hd, rec, recOff + 2 * hd, bias, biasOff + 2 * hd); // g
        activate(end, false, g, gOff + 3 * hd, rec, recOff + 3 * hd, bias, biasOff + 3 * hd); // o
        int j = 0;
        for (; j < end; j += S.length()) {
            FloatVector cn = load(g, gOff + hd + j).mul(load(cPrev, cPrevOff + j))
                    .add(load(g, gOff + j).mul(load(g, gOff + 2 * hd + j)));
            cn.intoArray(c, cOff + j);
            load(g, gOff + 3 * hd + j).mul(tanh(cn)).intoArray(h, hOff + j);
        }
        lstmForwardFrom(hd, j, g, gOff, rec, recOff, bias, biasOff, cPrev, cPrevOff, c, cOff, h, hOff);
    }

    /** g[j] = act(g[j] + rec[j] + bias[j]) for j < end, act = tanh or sigmoid; one exp per loop body (see above). */
    private static void activate(int end, boolean tanh, float[] g, int gOff, float[] rec, int recOff, float[] bias,
                                 int biasOff) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector pre = load(g, gOff + j).add(load(rec, recOff + j)).add(load(bias, biasOff + j));
            (tanh ? tanh(pre) : sigmoid(pre)).intoArray(g, gOff + j);
        }
    }

    @Override
    public void lstmBackward(int hd, float[] g, int gOff, float[] c, int cOff, float[] cPrev, int cPrevOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, float[] dg, int dgOff) {
        int j = 0;
        for (int end = S.loopBound(hd); j < end; j += S.length()) {
            FloatVector i = load(g, gOff + j);
            FloatVector f = load(g, gOff + hd + j);
            FloatVector gg = load(g, gOff + 2 * hd + j);
            FloatVector o = load(g, gOff + 3 * hd + j);
            FloatVector tc = tanh(load(c, cOff + j));
            FloatVector dhj = load(dh, dhOff + j);
            FloatVector dcj = load(dc, dcOff + j).add(dhj.mul(o).mul(oneMinusSquare(tc)));
            dcj.mul(gg).mul(sigmoidSlope(i)).intoArray(dg, dgOff + j);
            dcj.mul(load(cPrev, cPrevOff + j)).mul(sigmoidSlope(f)).intoArray(dg, dgOff + hd + j);
            dcj.mul(i).mul(oneMinusSquare(gg)).intoArray(dg, dgOff + 2 * hd + j);
            dhj.mul(tc).mul(sigmoidSlope(o)).intoArray(dg, dgOff + 3 * hd + j);
            dcj.mul(f).intoArray(dc, dcOff + j);
        }
        lstmBackwardFrom(hd, j, g, gOff, c, cOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff, dg, dgOff);
    }

    @Override
    public void gruForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bIh, int bIhOff,
                           float[] bHh, int bHhOff, float[] hPrev, int hPrevOff, float[] hn, int hnOff,
                           float[] h, int hOff) {
        int j = 0;
        for (int end = S.loopBound(hd); j < end; j += S.length()) {
            FloatVector r = sigmoid(load(g, gOff + j).add(load(bIh, bIhOff + j)).add(load(rec, recOff + j))
                    .add(load(bHh, bHhOff + j)));
            FloatVector z = sigmoid(load(g, gOff + hd + j).add(load(bIh, bIhOff + hd + j))
                    .add(load(rec, recOff + hd + j)).add(load(bHh, bHhOff + hd + j)));
            FloatVector hnj = load(rec, recOff + 2 * hd + j).add(load(bHh, bHhOff + 2 * hd + j));
            FloatVector n = tanh(load(g, gOff + 2 * hd + j).add(load(bIh, bIhOff + 2 * hd + j)).add(r.mul(hnj)));
            r.intoArray(g, gOff + j);
            z.intoArray(g, gOff + hd + j);
            n.intoArray(g, gOff + 2 * hd + j);
            hnj.intoArray(hn, hnOff + j);
            FloatVector.broadcast(S, 1f).sub(z).mul(n).add(z.mul(load(hPrev, hPrevOff + j))).intoArray(h, hOff + j);
        }
        gruForwardFrom(hd, j, g, gOff, rec, recOff, bIh, bIhOff, bHh, bHhOff, hPrev, hPrevOff, hn, hnOff, h, hOff);
    }

    @Override
    public void gruBackward(int hd, float[] g, int gOff, float[] hn, int hnOff, float[] hPrev, int hPrevOff,
                            float[] dh, int dhOff, float[] dgi, int dgiOff, float[] dgh, int dghOff) {
        int j = 0;
        for (int end = S.loopBound(hd); j < end; j += S.length()) {
            FloatVector r = load(g, gOff + j);
            FloatVector z = load(g, gOff + hd + j);
            FloatVector n = load(g, gOff + 2 * hd + j);
            FloatVector dhj = load(dh, dhOff + j);
            FloatVector dn = dhj.mul(FloatVector.broadcast(S, 1f).sub(z)).mul(oneMinusSquare(n));
            FloatVector dz = dhj.mul(load(hPrev, hPrevOff + j).sub(n)).mul(sigmoidSlope(z));
            FloatVector dr = dn.mul(load(hn, hnOff + j)).mul(sigmoidSlope(r));
            dr.intoArray(dgi, dgiOff + j);
            dz.intoArray(dgi, dgiOff + hd + j);
            dn.intoArray(dgi, dgiOff + 2 * hd + j);
            dr.intoArray(dgh, dghOff + j);
            dz.intoArray(dgh, dghOff + hd + j);
            dn.mul(r).intoArray(dgh, dghOff + 2 * hd + j);
            dhj.mul(z).intoArray(dh, dhOff + j);
        }
        gruBackwardFrom(hd, j, g, gOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dgi, dgiOff, dgh, dghOff);
    }
}

package dev.gated.cpu;

/**
 * float32 kernels in plain Java; activations are evaluated in double and rounded once. Used when the
 * jdk.incubator.vector module is not available ({@link F32VectorKernels} is the fast path).
 */
class F32Kernels implements RnnKernels<float[]> {
    static final F32Kernels INSTANCE = new F32Kernels();

    F32Kernels() {
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** tanh from one exp: accurate to ~1e-16 absolute, far inside float32's rounding, and ~3x faster than Math.tanh. */
    static float tanh(float x) {
        double t = Math.exp(-2.0 * Math.abs(x));
        double r = (1.0 - t) / (1.0 + t);
        return (float) (x < 0 ? -r : r);
    }

    @Override
    public float[] alloc(int n) {
        return new float[n];
    }

    @Override
    public float[] data(CpuTensor t) {
        return t.f();
    }

    @Override
    public void gemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                     int lda, float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff, int ldc) {
        Gemm.sgemm(threads, transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, accumulate ? 1f : 0f, c, cOff, ldc);
    }

    @Override
    public Object pack(Object reuse, boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return Gemm.pack(reuse instanceof Gemm.PackedF p ? p : null, transB, k, n, b, bOff, ldb);
    }

    @Override
    public void gemmPacked(CpuThreads threads, boolean transA, int m, float[] a, int aOff, int lda, Object packedB,
                           boolean accumulate, float[] c, int cOff, int ldc) {
        Gemm.sgemm(threads, transA, m, 1f, a, aOff, lda, (Gemm.PackedF) packedB, accumulate ? 1f : 0f, c, cOff, ldc);
    }

    @Override
    public void zero(float[] a, int off, int len) {
        java.util.Arrays.fill(a, off, off + len, 0f);
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        System.arraycopy(src, srcOff, dst, dstOff, len);
    }

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sumRows(float[] src, int off, int rows, int ld, int col0, int col1, float[] dst, int dstOff) {
        int w = col1 - col0;
        double[] acc = new double[w];
        for (int r = 0; r < rows; r++) {
            int base = off + r * ld + col0;
            for (int j = 0; j < w; j++) {
                acc[j] += src[base + j];
            }
        }
        for (int j = 0; j < w; j++) {
            dst[dstOff + col0 + j] += (float) acc[j];
        }
    }

    @Override
    public void lstmForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bias, int biasOff,
                            float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff) {
        lstmForwardFrom(hd, 0, g, gOff, rec, recOff, bias, biasOff, cPrev, cPrevOff, c, cOff, h, hOff);
    }

    /** The kernel over hidden units [j0, hd). */
    final void lstmForwardFrom(int hd, int j0, float[] g, int gOff, float[] rec, int recOff, float[] bias, int biasOff,
                            float[] cPrev, int cPrevOff, float[] c, int cOff, float[] h, int hOff) {
        for (int j = j0; j < hd; j++) {
            float i = sigmoid(g[gOff + j] + rec[recOff + j] + bias[biasOff + j]);
            float f = sigmoid(g[gOff + hd + j] + rec[recOff + hd + j] + bias[biasOff + hd + j]);
            float gg = tanh(g[gOff + 2 * hd + j] + rec[recOff + 2 * hd + j] + bias[biasOff + 2 * hd + j]);
            float o = sigmoid(g[gOff + 3 * hd + j] + rec[recOff + 3 * hd + j] + bias[biasOff + 3 * hd + j]);
            float cn = f * cPrev[cPrevOff + j] + i * gg;
            g[gOff + j] = i;
            g[gOff + hd + j] = f;
            g[gOff + 2 * hd + j] = gg;
            g[gOff + 3 * hd + j] = o;
            c[cOff + j] = cn;
            h[hOff + j] = o * tanh(cn);
        }
    }

    @Override
    public void lstmBackward(int hd, float[] g, int gOff, float[] c, int cOff, float[] cPrev, int cPrevOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, float[] dg, int dgOff) {
        lstmBackwardFrom(hd, 0, g, gOff, c, cOff, cPrev, cPrevOff, dh, dhOff, dc, dcOff, dg, dgOff);
    }

    /** The kernel over hidden units [j0, hd). */
    final void lstmBackwardFrom(int hd, int j0, float[] g, int gOff, float[] c, int cOff, float[] cPrev, int cPrevOff,
                             float[] dh, int dhOff, float[] dc, int dcOff, float[] dg, int dgOff) {
        for (int j = j0; j < hd; j++) {
            float i = g[gOff + j];
            float f = g[gOff + hd + j];
            float gg = g[gOff + 2 * hd + j];
            float o = g[gOff + 3 * hd + j];
            float tc = tanh(c[cOff + j]);
            float dhj = dh[dhOff + j];
            float dcj = dc[dcOff + j] + dhj * o * (1f - tc * tc);
            dg[dgOff + j] = dcj * gg * i * (1f - i);
            dg[dgOff + hd + j] = dcj * cPrev[cPrevOff + j] * f * (1f - f);
            dg[dgOff + 2 * hd + j] = dcj * i * (1f - gg * gg);
            dg[dgOff + 3 * hd + j] = dhj * tc * o * (1f - o);
            dc[dcOff + j] = dcj * f;
        }
    }

    @Override
    public void gruForward(int hd, float[] g, int gOff, float[] rec, int recOff, float[] bIh, int bIhOff,
                           float[] bHh, int bHhOff, float[] hPrev, int hPrevOff, float[] hn, int hnOff,
                           float[] h, int hOff) {
        gruForwardFrom(hd, 0, g, gOff, rec, recOff, bIh, bIhOff, bHh, bHhOff, hPrev, hPrevOff, hn, hnOff, h, hOff);
    }

    /** The kernel over hidden units [j0, hd). */
    final void gruForwardFrom(int hd, int j0, float[] g, int gOff, float[] rec, int recOff, float[] bIh, int bIhOff,
                           float[] bHh, int bHhOff, float[] hPrev, int hPrevOff, float[] hn, int hnOff,
                           float[] h, int hOff) {
        for (int j = j0; j < hd; j++) {
            float r = sigmoid(g[gOff + j] + bIh[bIhOff + j] + rec[recOff + j] + bHh[bHhOff + j]);
            float z = sigmoid(g[gOff + hd + j] + bIh[bIhOff + hd + j] + rec[recOff + hd + j] + bHh[bHhOff + hd + j]);
            float hnj = rec[recOff + 2 * hd + j] + bHh[bHhOff + 2 * hd + j];
            float n = tanh(g[gOff + 2 * hd + j] + bIh[bIhOff + 2 * hd + j] + r * hnj);
            g[gOff + j] = r;
            g[gOff + hd + j] = z;
            g[gOff + 2 * hd + j] = n;
            hn[hnOff + j] = hnj;
            h[hOff + j] = (1f - z) * n + z * hPrev[hPrevOff + j];
        }
    }

    @Override
    public void gruBackward(int hd, float[] g, int gOff, float[] hn, int hnOff, float[] hPrev, int hPrevOff,
                            float[] dh, int dhOff, float[] dgi, int dgiOff, float[] dgh, int dghOff) {
        gruBackwardFrom(hd, 0, g, gOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dgi, dgiOff, dgh, dghOff);
    }

    /** The kernel over hidden units [j0, hd). */
    final void gruBackwardFrom(int hd, int j0, float[] g, int gOff, float[] hn, int hnOff, float[] hPrev, int hPrevOff,
                            float[] dh, int dhOff, float[] dgi, int dgiOff, float[] dgh, int dghOff) {
        for (int j = j0; j < hd; j++) {
            float r = g[gOff + j];
            float z = g[gOff + hd + j];
            float n = g[gOff + 2 * hd + j];
            float dhj = dh[dhOff + j];
            float dn = dhj * (1f - z) * (1f - n * n);
            float dz = dhj * (hPrev[hPrevOff + j] - n) * z * (1f - z);
            float dr = dn * hn[hnOff + j] * r * (1f - r);
            dgi[dgiOff + j] = dr;
            dgi[dgiOff + hd + j] = dz;
            dgi[dgiOff + 2 * hd + j] = dn;
            dgh[dghOff + j] = dr;
            dgh[dghOff + hd + j] = dz;
            dgh[dghOff + 2 * hd + j] = dn * r;
            dh[dhOff + j] = dhj * z;
        }
    }
}

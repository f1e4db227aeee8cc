package dev.gated.cpu;

/** float64 kernels, for gradient checks: straight from the equations, Math.tanh for accuracy. */
final class F64Kernels implements RnnKernels<double[]> {
    static final F64Kernels INSTANCE = new F64Kernels();

    private F64Kernels() {
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static double tanh(double x) {
        return Math.tanh(x);
    }

    @Override
    public double[] alloc(int n) {
        return new double[n];
    }

    @Override
    public double[] data(CpuTensor t) {
        return t.d();
    }

    @Override
    public void gemm(CpuThreads threads, boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff,
                     int lda, double[] b, int bOff, int ldb, boolean accumulate, double[] c, int cOff, int ldc) {
        Gemm.dgemm(threads, transA, transB, m, n, k, 1.0, a, aOff, lda, b, bOff, ldb, accumulate ? 1.0 : 0.0, c, cOff, ldc);
    }

    @Override
    public Object pack(Object reuse, boolean transB, int k, int n, double[] b, int bOff, int ldb) {
        return Gemm.pack(reuse instanceof Gemm.PackedD p ? p : null, transB, k, n, b, bOff, ldb);
    }

    @Override
    public void gemmPacked(CpuThreads threads, boolean transA, int m, double[] a, int aOff, int lda, Object packedB,
                           boolean accumulate, double[] c, int cOff, int ldc) {
        Gemm.dgemm(threads, transA, m, 1.0, a, aOff, lda, (Gemm.PackedD) packedB, accumulate ? 1.0 : 0.0, c, cOff, ldc);
    }

    @Override
    public void zero(double[] a, int off, int len) {
        java.util.Arrays.fill(a, off, off + len, 0.0);
    }

    @Override
    public void copy(double[] src, int srcOff, double[] dst, int dstOff, int len) {
        System.arraycopy(src, srcOff, dst, dstOff, len);
    }

    @Override
    public void add(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void sumRows(double[] src, int off, int rows, int ld, int col0, int col1, double[] dst, int dstOff) {
        int w = col1 - col0;
        double[] acc = new double[w];
        for (int r = 0; r < rows; r++) {
            int base = off + r * ld + col0;
            for (int j = 0; j < w; j++) {
                acc[j] += src[base + j];
            }
        }
        for (int j = 0; j < w; j++) {
            dst[dstOff + col0 + j] += acc[j];
        }
    }

    @Override
    public void lstmForward(int hd, double[] g, int gOff, double[] rec, int recOff, double[] bias, int biasOff,
                            double[] cPrev, int cPrevOff, double[] c, int cOff, double[] h, int hOff) {
        for (int j = 0; j < hd; j++) {
            double i = sigmoid(g[gOff + j] + rec[recOff + j] + bias[biasOff + j]);
            double f = sigmoid(g[gOff + hd + j] + rec[recOff + hd + j] + bias[biasOff + hd + j]);
            double gg = tanh(g[gOff + 2 * hd + j] + rec[recOff + 2 * hd + j] + bias[biasOff + 2 * hd + j]);
            double o = sigmoid(g[gOff + 3 * hd + j] + rec[recOff + 3 * hd + j] + bias[biasOff + 3 * hd + j]);
            double cn = f * cPrev[cPrevOff + j] + i * gg;
            g[gOff + j] = i;
            g[gOff + hd + j] = f;
            g[gOff + 2 * hd + j] = gg;
            g[gOff + 3 * hd + j] = o;
            c[cOff + j] = cn;
            h[hOff + j] = o * tanh(cn);
        }
    }

    @Override
    public void lstmBackward(int hd, double[] g, int gOff, double[] c, int cOff, double[] cPrev, int cPrevOff,
                             double[] dh, int dhOff, double[] dc, int dcOff, double[] dg, int dgOff) {
        for (int j = 0; j < hd; j++) {
            double i = g[gOff + j];
            double f = g[gOff + hd + j];
            double gg = g[gOff + 2 * hd + j];
            double o = g[gOff + 3 * hd + j];
            double tc = tanh(c[cOff + j]);
            double dhj = dh[dhOff + j];
            double dcj = dc[dcOff + j] + dhj * o * (1.0 - tc * tc);
            dg[dgOff + j] = dcj * gg * i * (1.0 - i);
            dg[dgOff + hd + j] = dcj * cPrev[cPrevOff + j] * f * (1.0 - f);
            dg[dgOff + 2 * hd + j] = dcj * i * (1.0 - gg * gg);
            dg[dgOff + 3 * hd + j] = dhj * tc * o * (1.0 - o);
            dc[dcOff + j] = dcj * f;
        }
    }

    @Override
    public void gruForward(int hd, double[] g, int gOff, double[] rec, int recOff, double[] bIh, int bIhOff,
                           double[] bHh, int bHhOff, double[] hPrev, int hPrevOff, double[] hn, int hnOff,
                           double[] h, int hOff) {
        for (int j = 0; j < hd; j++) {
            double r = sigmoid(g[gOff + j] + bIh[bIhOff + j] + rec[recOff + j] + bHh[bHhOff + j]);
            double z = sigmoid(g[gOff + hd + j] + bIh[bIhOff + hd + j] + rec[recOff + hd + j] + bHh[bHhOff + hd + j]);
            double hnj = rec[recOff + 2 * hd + j] + bHh[bHhOff + 2 * hd + j];
            double n = tanh(g[gOff + 2 * hd + j] + bIh[bIhOff + 2 * hd + j] + r * hnj);
            g[gOff + j] = r;
            g[gOff + hd + j] = z;
            g[gOff + 2 * hd + j] = n;
            hn[hnOff + j] = hnj;
            h[hOff + j] = (1.0 - z) * n + z * hPrev[hPrevOff + j];
        }
    }

    @Override
    public void gruBackward(int hd, double[] g, int gOff, double[] hn, int hnOff, double[] hPrev, int hPrevOff,
                            double[] dh, int dhOff, double[] dgi, int dgiOff, double[] dgh, int dghOff) {
        for (int j = 0; j < hd; j++) {
            double r = g[gOff + j];
            double z = g[gOff + hd + j];
            double n = g[gOff + 2 * hd + j];
            double dhj = dh[dhOff + j];
            double dn = dhj * (1.0 - z) * (1.0 - n * n);
            double dz = dhj * (hPrev[hPrevOff + j] - n) * z * (1.0 - z);
            double dr = dn * hn[hnOff + j] * r * (1.0 - r);
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

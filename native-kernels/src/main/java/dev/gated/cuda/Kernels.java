package dev.gated.cuda;

import static dev.gated.cuda.CudaErrors.driver;

import dev.gated.engine.backend.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Gated's kernel module (the committed PTX, JIT-compiled by the driver for the GPU at hand) and typed launches of
 * its kernels on the context's stream. Launches are asynchronous; errors of a running kernel surface at the next
 * synchronising call. Arguments are validated by {@link CudaBackend} before they get here; every method returns
 * without launching when there is no work (a grid of 0 blocks is invalid).
 */
final class Kernels implements AutoCloseable {
    /** The committed PTX (see build-ptx.sh) and the file naming the nvcc that made it. */
    static final String PTX_RESOURCE = "/dev/gated/cuda/kernels.ptx";
    static final String NVCC_VERSION_RESOURCE = "/dev/gated/cuda/kernels.ptx.nvcc-version";

    /** Threads per block of element-wise kernels. */
    static final int THREADS = 256;
    /** Grid-stride kernels never need more blocks than this to keep a GPU busy. */
    static final int MAX_BLOCKS = 1 << 16;
    /** The reductions' fixed geometry: REDUCE_BLOCKS and REDUCE_THREADS in kernels.cu. */
    static final int REDUCE_BLOCKS = 256;
    static final int REDUCE_THREADS = 256;
    /** Threads per row of the row-softmax kernels (cross-entropy, softmaxRows and its backward): ROW_THREADS in kernels.cu. */
    static final int ROW_THREADS = 256;

    /** Every kernel of the module, without the _f32/_f64 suffix where it has one. */
    static final List<String> TYPED = List.of("fill", "axpby", "unary", "unary_backward", "binary", "add_row_vector",
            "sum_rows", "reduce_partials", "gather_rows", "scatter_add_rows", "softmax_xent", "softmax_rows",
            "softmax_rows_backward", "dropout", "sgd", "adam", "rmsprop", "adagrad");
    static final List<String> UNTYPED = List.of("reduce_final");

    /** One kernel argument: its PTX parameter type (.u64 for pointers) and a pointer to its host value. */
    record Arg(String ptxType, Pointer value) {
    }

    /** Where launches go: the driver, or (in tests) a recorder that checks arguments against the PTX. */
    interface Launcher {
        void launch(String kernel, int blocks, int threads, Arg[] args);
    }

    private final CUmodule module;
    private final CUstream stream;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Launcher launcher;
    private boolean unloaded;

    private Kernels(CUmodule module, CUstream stream) {
        this.module = module;
        this.stream = stream;
        this.launcher = this::driverLaunch;
    }

    /** Kernels that hand every launch to {@code launcher} instead of the driver (no module, no device). */
    Kernels(Launcher launcher) {
        this.module = null;
        this.stream = null;
        this.launcher = launcher;
        this.unloaded = true;
    }

    /** Loads the PTX into the current context and looks up every kernel once. */
    static Kernels load(CUstream stream) {
        byte[] ptx = ptx();
        // cuModuleLoadDataEx takes a NUL-terminated PTX string.
        byte[] image = java.util.Arrays.copyOf(ptx, ptx.length + 1);
        CUmodule module = new CUmodule();
        driver(JCudaDriver.cuModuleLoadDataEx(module, Pointer.to(image), 0, new int[0], Pointer.to(new int[0])),
                "cuModuleLoadDataEx(kernels.ptx)");
        Kernels k = new Kernels(module, stream);
        try {
            for (String name : TYPED) {
                k.lookup("gated_" + name + "_f32");
                k.lookup("gated_" + name + "_f64");
            }
            for (String name : UNTYPED) {
                k.lookup("gated_" + name);
            }
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    /** The committed PTX text. */
    static byte[] ptx() {
        try (InputStream in = Kernels.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + PTX_RESOURCE + " is missing from the class path "
                        + "(native-kernels/build-ptx.sh makes it)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PTX_RESOURCE, e);
        }
    }

    private void lookup(String name) {
        CUfunction f = new CUfunction();
        driver(JCudaDriver.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
        functions.put(name, f);
    }

    /** The full kernel name of a typed kernel, e.g. gated_fill_f32. */
    private static String fn(String name, DType dtype) {
        return "gated_" + name + (dtype == DType.FLOAT32 ? "_f32" : "_f64");
    }

    /** Blocks for a grid-stride kernel over n elements. */
    static int blocks(long n) {
        return (int) Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
    }

    private void launch(String kernel, int blocks, int threads, Arg... args) {
        launcher.launch(kernel, blocks, threads, args);
    }

    private void driverLaunch(String kernel, int blocks, int threads, Arg[] args) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            throw new IllegalStateException("kernel " + kernel + " is not in the loaded module");
        }
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = args[i].value();
        }
        driver(JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0, stream, Pointer.to(params), null),
                "cuLaunchKernel(" + kernel + ", " + blocks + " x " + threads + ")");
    }

    // ---- kernel arguments: host values become pointers to one-element arrays ----

    private static Arg i(int v) {
        return new Arg(".u32", Pointer.to(new int[] {v}));
    }

    private static Arg l(long v) {
        return new Arg(".u64", Pointer.to(new long[] {v}));
    }

    private static Arg d(double v) {
        return new Arg(".f64", Pointer.to(new double[] {v}));
    }

    /** A scalar of the tensor's dtype: float32 rounds it once, as the CPU backend's (float) cast does. */
    private static Arg t(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? new Arg(".f32", Pointer.to(new float[] {(float) v})) : d(v);
    }

    /** A device pointer argument; null (an absent optional tensor) becomes the null device pointer. */
    private static Arg p(CUdeviceptr ptr) {
        return new Arg(".u64", Pointer.to(ptr == null ? new CUdeviceptr() : ptr));
    }

    // ---- typed launches ----

    void fill(DType dt, CUdeviceptr x, double v, int n) {
        if (n > 0) {
            launch(fn("fill", dt), blocks(n), THREADS, p(x), t(dt, v), i(n));
        }
    }

    void axpby(DType dt, double alpha, CUdeviceptr x, double beta, CUdeviceptr y, int n) {
        if (n > 0) {
            launch(fn("axpby", dt), blocks(n), THREADS, t(dt, alpha), p(x), t(dt, beta), p(y), i(n));
        }
    }

    void unary(DType dt, int op, CUdeviceptr x, CUdeviceptr y, int n) {
        if (n > 0) {
            launch(fn("unary", dt), blocks(n), THREADS, i(op), p(x), p(y), i(n));
        }
    }

    void unaryBackward(DType dt, int op, CUdeviceptr x, CUdeviceptr y, CUdeviceptr dy, CUdeviceptr dx, int n) {
        if (n > 0) {
            launch(fn("unary_backward", dt), blocks(n), THREADS, i(op), p(x), p(y), p(dy), p(dx),
                    i(n));
        }
    }

    void binary(DType dt, int op, CUdeviceptr a, CUdeviceptr b, CUdeviceptr out, int n) {
        if (n > 0) {
            launch(fn("binary", dt), blocks(n), THREADS, i(op), p(a), p(b), p(out), i(n));
        }
    }

    void addRowVector(DType dt, CUdeviceptr x, CUdeviceptr v, int n, int cols) {
        if (n > 0 && cols > 0) {
            launch(fn("add_row_vector", dt), blocks(n), THREADS, p(x), p(v), i(n), i(cols));
        }
    }

    /** One thread per column; rows may be 0 (then out = accumulate ? out : 0). */
    void sumRows(DType dt, CUdeviceptr x, CUdeviceptr out, int rows, int cols, boolean accumulate) {
        if (cols > 0) {
            launch(fn("sum_rows", dt), blocks(cols), THREADS, p(x), p(out), i(rows), i(cols),
                    i(accumulate ? 1 : 0));
        }
    }

    /**
     * Writes REDUCE_BLOCKS per-block partial sums (double) to {@code partials}, then their total to {@code out}.
     * Always launched on the fixed grid, so the result depends only on n. For MSE, y is the target, grad the
     * optional gradient and scale = 2.0 / n (float32's spelling).
     */
    void reduce(DType dt, KernelOps.Reduce code, CUdeviceptr x, CUdeviceptr y, CUdeviceptr grad, int n, double scale,
                CUdeviceptr partials, CUdeviceptr out) {
        launch(fn("reduce_partials", dt), REDUCE_BLOCKS, REDUCE_THREADS, i(code.code), p(x), p(y),
                p(grad), i(n), d(scale), p(partials));
        launch("gated_reduce_final", 1, REDUCE_THREADS, p(partials),
                i(REDUCE_BLOCKS), p(out));
    }

    void gatherRows(DType dt, CUdeviceptr src, CUdeviceptr rows, CUdeviceptr dst, int count, int cols) {
        long n = (long) count * cols;
        if (n > 0) {
            launch(fn("gather_rows", dt), blocks(n), THREADS, p(src), p(rows), p(dst), i(count),
                    i(cols));
        }
    }

    void scatterAddRows(DType dt, CUdeviceptr src, CUdeviceptr rows, CUdeviceptr dst, int count, int cols) {
        if (count > 0 && cols > 0) {
            launch(fn("scatter_add_rows", dt), blocks(cols), THREADS, p(src), p(rows), p(dst),
                    i(count), i(cols));
        }
    }

    /** One block per row; loss receives one double per row. */
    void softmaxCrossEntropy(DType dt, CUdeviceptr logits, CUdeviceptr labels, CUdeviceptr dLogits, CUdeviceptr loss,
                             int rows, int cols, double invN) {
        if (rows > 0) {
            launch(fn("softmax_xent", dt), rows, ROW_THREADS, p(logits), p(labels), p(dLogits),
                    p(loss), i(cols), d(invN));
        }
    }

    /**
     * Blocks of ROW_THREADS taking rows in grid-stride order (at most MAX_BLOCKS blocks). A row of -inf only is left
     * unwritten and sets {@code masked} (one double) to 1; the caller clears it first.
     */
    void softmaxRows(DType dt, CUdeviceptr x, CUdeviceptr y, CUdeviceptr masked, int rows, int cols) {
        if (rows > 0 && cols > 0) {
            launch(fn("softmax_rows", dt), Math.min(rows, MAX_BLOCKS), ROW_THREADS, p(x), p(y), p(masked), i(rows),
                    i(cols));
        }
    }

    /** Like {@link #softmaxRows}: blocks of ROW_THREADS over rows. */
    void softmaxRowsBackward(DType dt, CUdeviceptr y, CUdeviceptr dy, CUdeviceptr dx, int rows, int cols) {
        if (rows > 0 && cols > 0) {
            launch(fn("softmax_rows_backward", dt), Math.min(rows, MAX_BLOCKS), ROW_THREADS, p(y), p(dy), p(dx),
                    i(rows), i(cols));
        }
    }

    /** scale is 1 / (1 - p), rounded to the dtype (the CPU's float32 scale is (float) (1.0 / (1.0 - p))). */
    void dropout(DType dt, CUdeviceptr x, CUdeviceptr y, int n, double prob, double scale, long seed, long offset) {
        if (n > 0) {
            launch(fn("dropout", dt), blocks(n), THREADS, p(x), p(y), i(n), d(prob), t(dt, scale), l(seed),
                    l(offset));
        }
    }

    void sgd(DType dt, CUdeviceptr param, CUdeviceptr grad, CUdeviceptr buf, int n, double lr, double wd,
             double momentum, double damp, boolean nesterov, boolean first) {
        if (n > 0) {
            launch(fn("sgd", dt), blocks(n), THREADS, p(param), p(grad), p(buf), i(n), d(lr), d(wd),
                    d(momentum), d(damp), i(nesterov ? 1 : 0), i(first ? 1 : 0));
        }
    }

    void adam(DType dt, CUdeviceptr param, CUdeviceptr grad, CUdeviceptr m, CUdeviceptr v, int n, double lr, double b1,
              double b2, double eps, double wd, boolean decoupled, double decay, double bc1, double bc2) {
        if (n > 0) {
            launch(fn("adam", dt), blocks(n), THREADS, p(param), p(grad), p(m), p(v), i(n), d(lr), d(b1),
                    d(b2), d(eps), d(wd), i(decoupled ? 1 : 0), d(decay), d(bc1), d(bc2));
        }
    }

    /** gavg null unless centered, buf null unless momentum > 0 (the kernel tests the pointers). */
    void rmsprop(DType dt, CUdeviceptr param, CUdeviceptr grad, CUdeviceptr sq, CUdeviceptr buf, CUdeviceptr gavg,
                 int n, double lr, double alpha, double eps, double wd, double momentum, boolean first) {
        if (n > 0) {
            launch(fn("rmsprop", dt), blocks(n), THREADS, p(param), p(grad), p(sq), p(buf), p(gavg), i(n), d(lr),
                    d(alpha), d(eps), d(wd), d(momentum), i(first ? 1 : 0));
        }
    }

    /** clr: the step's learning rate, {@code AdagradConfig.stepLr(step)}. */
    void adagrad(DType dt, CUdeviceptr param, CUdeviceptr grad, CUdeviceptr sum, int n, double clr, double wd,
                 double eps, double init, boolean first) {
        if (n > 0) {
            launch(fn("adagrad", dt), blocks(n), THREADS, p(param), p(grad), p(sum), i(n), d(clr), d(wd), d(eps),
                    d(init), i(first ? 1 : 0));
        }
    }

    /** Unloads the module (idempotent). */
    @Override
    public void close() {
        if (!unloaded && module != null) {
            unloaded = true;
            functions.clear();
            driver(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
        }
    }
}

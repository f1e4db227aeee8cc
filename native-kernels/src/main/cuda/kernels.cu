// Gated's CUDA kernels: every Backend op that is neither a GEMM (cuBLAS) nor an RNN (cuDNN), in float32 and
// float64. Each reproduces dev.gated.cpu.CpuOps / CpuOptimizers: the same formula, the same order of operations,
// float32 work that the CPU does in double is done in double here and rounded once. Compiled with -fmad=false so
// no a*b+c is contracted into an FMA (Java never fuses), and without fast-math (IEEE division and square root).
//
// Launch geometry is chosen by dev.gated.cuda.Kernels: element-wise kernels use grid-stride loops over
// [0, n); the reductions use a FIXED grid (REDUCE_BLOCKS x REDUCE_THREADS) so their summation order, and so
// their result, depends only on n: per-block partial sums in double, then one final block. No atomics anywhere.
//
// Op codes are explicit numbers, mapped from the Java enums in dev.gated.cuda.KernelOps (a test checks that the
// numbers below and the Java mapping agree).

#include "splitmix.h"

// ---- op codes (keep in step with KernelOps.java) ----
enum UnaryCode {
    UNARY_IDENTITY = 0,
    UNARY_NEG = 1,
    UNARY_ABS = 2,
    UNARY_SQUARE = 3,
    UNARY_SQRT = 4,
    UNARY_EXP = 5,
    UNARY_LOG = 6,
    UNARY_TANH = 7,
    UNARY_SIGMOID = 8,
    UNARY_RELU = 9,
    UNARY_SIGN = 10
};

enum BinaryCode {
    BINARY_ADD = 0,
    BINARY_SUB = 1,
    BINARY_MUL = 2,
    BINARY_DIV = 3,
    BINARY_MAX = 4,
    BINARY_MIN = 5
};

enum ReduceCode {
    REDUCE_SUM = 0,
    REDUCE_SUM_OF_SQUARES = 1,
    REDUCE_NON_FINITE_COUNT = 2,
    REDUCE_MSE = 3
};

// The reductions' fixed geometry (Kernels.java uses the same numbers).
#define REDUCE_BLOCKS 256
#define REDUCE_THREADS 256
// Threads per block of the per-row softmax kernels (a power of two).
#define ROW_THREADS 256

typedef long long i64;

#define GRID_STRIDE(i, n) \
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (i64)(n); i += (i64)blockDim.x * gridDim.x)

// ---- fill, axpby ----

template <typename T>
__device__ __forceinline__ void fill_impl(T* x, T v, int n) {
    GRID_STRIDE(i, n) { x[i] = v; }
}

// y = alpha x + beta y; beta == 0 ignores y (NaN included), as CpuOps.axpby does.
template <typename T>
__device__ __forceinline__ void axpby_impl(T alpha, const T* x, T beta, T* y, int n) {
    if (beta == (T)0) {
        GRID_STRIDE(i, n) { y[i] = alpha * x[i]; }
    } else if (beta == (T)1) {
        GRID_STRIDE(i, n) { y[i] = alpha * x[i] + y[i]; }
    } else {
        GRID_STRIDE(i, n) { y[i] = alpha * x[i] + beta * y[i]; }
    }
}

// ---- unary ----

// CpuOps.unary(op, double): the float64 definition; float32 uses it for the transcendental ops.
__device__ __forceinline__ double unary_d(int op, double v) {
    switch (op) {
        case UNARY_IDENTITY: return v;
        case UNARY_NEG: return -v;
        case UNARY_ABS: return fabs(v);
        case UNARY_SQUARE: return v * v;
        case UNARY_SQRT: return sqrt(v);
        case UNARY_EXP: return exp(v);
        case UNARY_LOG: return log(v);
        case UNARY_TANH: return tanh(v);
        case UNARY_SIGMOID: return 1.0 / (1.0 + exp(-v));
        case UNARY_RELU: return v > 0 ? v : 0.0;
        case UNARY_SIGN: return v > 0 ? 1.0 : v < 0 ? -1.0 : v;  // Math.signum: keeps NaN and the zero's sign
        default: return __longlong_as_double(0x7ff8dead00000000LL);  // unreachable: Java maps every op
    }
}

// float32 as CpuOps.unary(float[]): IDENTITY, NEG, ABS, SQUARE, RELU in float; the rest in double, rounded once.
__device__ __forceinline__ float unary_f(int op, float v) {
    switch (op) {
        case UNARY_IDENTITY: return v;
        case UNARY_NEG: return -v;
        case UNARY_ABS: return fabsf(v);
        case UNARY_SQUARE: return v * v;
        case UNARY_RELU: return v > 0 ? v : 0.0f;
        case UNARY_SIGN: return v > 0 ? 1.0f : v < 0 ? -1.0f : v;
        default: return (float)unary_d(op, (double)v);
    }
}

// CpuOps.unaryBackward: dy * f'(x) given x and y = f(x), in double (float32 rounds the result once).
__device__ __forceinline__ double unary_backward_d(int op, double x, double y, double dy) {
    switch (op) {
        case UNARY_IDENTITY: return dy;
        case UNARY_NEG: return -dy;
        case UNARY_ABS: return x > 0 ? dy : x < 0 ? -dy : 0 * dy;
        case UNARY_SQUARE: return 2 * x * dy;
        case UNARY_SQRT: return dy * 0.5 / y;
        case UNARY_EXP: return dy * y;
        case UNARY_LOG: return dy / x;
        case UNARY_TANH: return dy * (1 - y * y);
        case UNARY_SIGMOID: return dy * (y * (1 - y));
        case UNARY_RELU: return x > 0 ? dy : 0.0;
        case UNARY_SIGN: return 0 * dy;
        default: return __longlong_as_double(0x7ff8dead00000000LL);
    }
}

// ---- binary ----

// Java's Math.max / Math.min: NaN if either is NaN, and -0.0 < +0.0 (CUDA's fmax/fmin differ on both).
template <typename T>
__device__ __forceinline__ T java_max(T a, T b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == (T)0 && b == (T)0) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

template <typename T>
__device__ __forceinline__ T java_min(T a, T b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == (T)0 && b == (T)0) return signbit(a) ? a : b;
    return a <= b ? a : b;
}

template <typename T>
__device__ __forceinline__ void binary_impl(int op, const T* a, const T* b, T* out, int n) {
    switch (op) {
        case BINARY_ADD: GRID_STRIDE(i, n) { out[i] = a[i] + b[i]; } break;
        case BINARY_SUB: GRID_STRIDE(i, n) { out[i] = a[i] - b[i]; } break;
        case BINARY_MUL: GRID_STRIDE(i, n) { out[i] = a[i] * b[i]; } break;
        case BINARY_DIV: GRID_STRIDE(i, n) { out[i] = a[i] / b[i]; } break;
        case BINARY_MAX: GRID_STRIDE(i, n) { out[i] = java_max(a[i], b[i]); } break;
        case BINARY_MIN: GRID_STRIDE(i, n) { out[i] = java_min(a[i], b[i]); } break;
        default: break;
    }
}

// ---- row vectors ----

// x[r, :] += v over x viewed as [n / cols, cols].
template <typename T>
__device__ __forceinline__ void add_row_vector_impl(T* x, const T* v, int n, int cols) {
    GRID_STRIDE(i, n) { x[i] += v[i % cols]; }
}

// out = (accumulate ? out : 0) + sum over rows; one thread per column, rows in order, summed in double.
template <typename T>
__device__ __forceinline__ void sum_rows_impl(const T* x, T* out, int rows, int cols, int accumulate) {
    GRID_STRIDE(j, cols) {
        double acc = 0;
        for (i64 r = 0; r < rows; r++) {
            acc += (double)x[r * cols + j];
        }
        out[j] = (T)(accumulate ? (double)out[j] + acc : acc);
    }
}

// ---- deterministic reductions ----

// Sums one double per thread of a block in a fixed tree order; the block's total ends in s[0].
__device__ __forceinline__ void block_sum(double* s) {
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        if (threadIdx.x < stride) {
            s[threadIdx.x] += s[threadIdx.x + stride];
        }
    }
    __syncthreads();
}

// Per-block partial sums over a fixed grid, in double. MSE also writes grad (if not null):
// float32 (float)(scale * d) with scale = 2.0 / n, float64 2 * d / n (CpuOps' two spellings).
template <typename T>
__device__ __forceinline__ double reduce_term(int code, const T* x, const T* y, T* grad, i64 i, int n, double scale);

template <>
__device__ __forceinline__ double reduce_term<float>(int code, const float* x, const float* y, float* grad, i64 i,
                                                     int n, double scale) {
    switch (code) {
        case REDUCE_SUM: return (double)x[i];
        case REDUCE_SUM_OF_SQUARES: { double v = x[i]; return v * v; }
        case REDUCE_NON_FINITE_COUNT: return isfinite(x[i]) ? 0.0 : 1.0;
        case REDUCE_MSE: {
            double d = (double)x[i] - (double)y[i];
            if (grad != nullptr) grad[i] = (float)(scale * d);
            return d * d;
        }
        default: return 0;
    }
}

template <>
__device__ __forceinline__ double reduce_term<double>(int code, const double* x, const double* y, double* grad,
                                                      i64 i, int n, double scale) {
    switch (code) {
        case REDUCE_SUM: return x[i];
        case REDUCE_SUM_OF_SQUARES: return x[i] * x[i];
        case REDUCE_NON_FINITE_COUNT: return isfinite(x[i]) ? 0.0 : 1.0;
        case REDUCE_MSE: {
            double d = x[i] - y[i];
            if (grad != nullptr) grad[i] = 2 * d / n;
            return d * d;
        }
        default: return 0;
    }
}

// Launched with exactly REDUCE_BLOCKS x REDUCE_THREADS: thread t of block b takes i = b*THREADS + t, then steps
// of BLOCKS*THREADS, so the order of every addition is a function of n alone.
template <typename T>
__device__ __forceinline__ void reduce_partials_impl(int code, const T* x, const T* y, T* grad, int n, double scale,
                                                     double* partials) {
    __shared__ double s[REDUCE_THREADS];
    double acc = 0;
    GRID_STRIDE(i, n) { acc += reduce_term<T>(code, x, y, grad, i, n, scale); }
    s[threadIdx.x] = acc;
    block_sum(s);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = s[0];
    }
}

// One block of REDUCE_THREADS: out[0] = the sum of count partials in a fixed order.
extern "C" __global__ void gated_reduce_final(const double* partials, int count, double* out) {
    __shared__ double s[REDUCE_THREADS];
    double acc = 0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
        acc += partials[i];
    }
    s[threadIdx.x] = acc;
    block_sum(s);
    if (threadIdx.x == 0) {
        out[0] = s[0];
    }
}

// ---- indexing ----

// dst[i, :] = src[rows[i], :]; one thread per element of dst.
template <typename T>
__device__ __forceinline__ void gather_rows_impl(const T* src, const int* rows, T* dst, int count, int cols) {
    i64 n = (i64)count * cols;
    GRID_STRIDE(e, n) {
        i64 i = e / cols;
        i64 j = e - i * cols;
        dst[e] = src[(i64)rows[i] * cols + j];
    }
}

// dst[rows[i], :] += src[i, :]; one thread per column looping over i in order, so repeated rows add in order of i.
template <typename T>
__device__ __forceinline__ void scatter_add_rows_impl(const T* src, const int* rows, T* dst, int count, int cols) {
    GRID_STRIDE(j, cols) {
        for (i64 i = 0; i < count; i++) {
            dst[(i64)rows[i] * cols + j] += src[i * cols + j];
        }
    }
}

// ---- softmax cross-entropy ----

// One block per row: loss[r] = log(sum exp(x - max)) + max - x[label] in double; dLogits (may be null, may be
// logits itself) = (softmax - onehot) * invN. Every read of the row happens before the first write (the block
// reductions end in a barrier), so in-place is safe.
__device__ __forceinline__ double block_max(double* s, double v) {
    s[threadIdx.x] = v;
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        if (threadIdx.x < stride) {
            double o = s[threadIdx.x + stride];
            // NaN-propagating, like Java's Math.max in CpuOps.
            double m = s[threadIdx.x];
            s[threadIdx.x] = (m != m) ? m : (o != o) ? o : (o > m ? o : m);
        }
    }
    __syncthreads();
    double r = s[0];
    __syncthreads();
    return r;
}

template <typename T>
__device__ __forceinline__ void softmax_xent_impl(const T* logits, const int* labels, T* dLogits, double* loss,
                                                  int cols, double invN) {
    __shared__ double s[ROW_THREADS];
    i64 r = blockIdx.x;
    const T* x = logits + r * cols;
    int label = labels[r];
    double picked = (double)x[label];
    double m = -INFINITY;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        double v = (double)x[j];
        m = (m != m) ? m : (v != v) ? v : (v > m ? v : m);
    }
    double max = block_max(s, m);
    double z = 0;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        z += exp((double)x[j] - max);
    }
    s[threadIdx.x] = z;
    block_sum(s);
    z = s[0];
    if (threadIdx.x == 0) {
        loss[r] = log(z) + max - picked;
    }
    if (dLogits != nullptr) {
        T* d = dLogits + r * cols;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            double e = exp((double)x[j] - max);
            d[j] = (T)((e / z - (j == label ? 1 : 0)) * invN);
        }
    }
}

// ---- row softmax (attention weights) ----

// CpuSoftmax.softmaxRows: per row max (NaN-propagating, like Math.max), z = sum exp(x - max) in double,
// y = exp(x - max) / z rounded once; an entry of -inf gets exactly 0. Blocks take rows in grid-stride order (the
// loop bound is the same for every thread of a block, so the barriers inside are uniform). A row of -inf only
// (max = -inf) is left unwritten and sets *masked = 1: every such block stores the same value, so no atomics are
// needed; the host clears it before and reports the row after. Every read of a row happens before its first write
// (the block reductions end in a barrier) and each thread writes only the elements it read, so y may be x.
template <typename T>
__device__ __forceinline__ void softmax_rows_impl(const T* x, T* y, double* masked, int rows, int cols) {
    __shared__ double s[ROW_THREADS];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * cols;
        T* yr = y + r * cols;
        double m = -INFINITY;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            double v = (double)xr[j];
            m = (m != m) ? m : (v != v) ? v : (v > m ? v : m);
        }
        double max = block_max(s, m);
        if (max == -INFINITY) {
            if (threadIdx.x == 0) {
                *masked = 1.0;
            }
            continue;
        }
        double z = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            z += exp((double)xr[j] - max);
        }
        s[threadIdx.x] = z;
        block_sum(s);
        z = s[0];
        __syncthreads();  // s is reused by the next row's block_max
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            yr[j] = (T)(exp((double)xr[j] - max) / z);
        }
    }
}

// CpuSoftmax.softmaxRowsBackward: dx = y * (dy - sum(dy * y)), the dot product in double, rounded once. Rows as in
// softmax_rows_impl; dx may be dy or y (each thread reads its elements of the row before it writes them, and the
// dot product is complete, behind a barrier, before any write).
template <typename T>
__device__ __forceinline__ void softmax_rows_backward_impl(const T* y, const T* dy, T* dx, int rows, int cols) {
    __shared__ double s[ROW_THREADS];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* yr = y + r * cols;
        const T* gr = dy + r * cols;
        T* dr = dx + r * cols;
        double dot = 0;
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            dot += (double)gr[j] * (double)yr[j];
        }
        s[threadIdx.x] = dot;
        block_sum(s);
        dot = s[0];
        __syncthreads();  // s is reused by the next row
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            dr[j] = (T)((double)yr[j] * ((double)gr[j] - dot));
        }
    }
}

// ---- dropout ----

// y = keep ? x * scale : 0 with keep = CounterRng.keep(seed, offset + i, p); scale = 1 / (1 - p) in the
// tensor's dtype (float32: (float)(1.0 / (1.0 - p)), computed by the caller).
template <typename T>
__device__ __forceinline__ void dropout_impl(const T* x, T* y, int n, double p, T scale, gated_u64 seed,
                                             gated_u64 offset) {
    GRID_STRIDE(i, n) {
        y[i] = gated_keep(seed, offset + (gated_u64)i, p) ? x[i] * scale : (T)0;
    }
}

// ---- optimizers (CpuOptimizers, element by element in double, rounded once to T) ----

// g = grad + wd p; with momentum: b = first ? g : mom buf + damp g, buf = b, g = nesterov ? g + mom b : b;
// p = p - lr g. damp = 1 - dampening (host).
template <typename T>
__device__ __forceinline__ void sgd_impl(T* p, const T* grad, T* buf, int n, double lr, double wd, double mom,
                                         double damp, int nesterov, int first) {
    GRID_STRIDE(i, n) {
        double pi = (double)p[i];
        double g = (double)grad[i] + wd * pi;
        if (buf != nullptr) {
            double b = first ? g : mom * (double)buf[i] + damp * g;
            buf[i] = (T)b;
            g = nesterov ? g + mom * b : b;
        }
        p[i] = (T)(pi - lr * g);
    }
}

// Adam (decoupled 0: g += wd p) or AdamW (decoupled 1: p *= decay = 1 - lr wd); bc1 = 1 - b1^step and
// bc2 = 1 - b2^step are computed on the host with Math.pow, as CpuOptimizers does.
template <typename T>
__device__ __forceinline__ void adam_impl(T* p, const T* grad, T* m, T* v, int n, double lr, double b1, double b2,
                                          double eps, double wd, int decoupled, double decay, double bc1,
                                          double bc2) {
    GRID_STRIDE(i, n) {
        double pi = (double)p[i];
        double g = (double)grad[i];
        if (decoupled) {
            pi *= decay;
        } else {
            g += wd * pi;
        }
        double mi = b1 * (double)m[i] + (1 - b1) * g;
        double vi = b2 * (double)v[i] + (1 - b2) * g * g;
        m[i] = (T)mi;
        v[i] = (T)vi;
        double mhat = mi / bc1;
        double vhat = vi / bc2;
        p[i] = (T)(pi - lr * mhat / (sqrt(vhat) + eps));
    }
}

// RMSprop (CpuOptimizers.rmsprop): g = grad + wd p; v = alpha (first ? 0 : sq) + (1 - alpha) g g; centered:
// a = alpha (first ? 0 : gavg) + (1 - alpha) g, denom = sqrt(v - a a) + eps, else denom = sqrt(v) + eps;
// buf != null: b = mom (first ? 0 : buf) + g / denom, p = p - lr b; else p = p - lr (g / denom).
// gavg is null unless centered, buf null unless momentum > 0.
template <typename T>
__device__ __forceinline__ void rmsprop_impl(T* p, const T* grad, T* sq, T* buf, T* gavg, int n, double lr,
                                             double alpha, double eps, double wd, double mom, int first) {
    GRID_STRIDE(i, n) {
        double pi = (double)p[i];
        double g = (double)grad[i] + wd * pi;
        double v = alpha * (first ? 0.0 : (double)sq[i]) + (1 - alpha) * g * g;
        sq[i] = (T)v;
        double denom;
        if (gavg != nullptr) {
            double a = alpha * (first ? 0.0 : (double)gavg[i]) + (1 - alpha) * g;
            gavg[i] = (T)a;
            denom = sqrt(v - a * a) + eps;
        } else {
            denom = sqrt(v) + eps;
        }
        if (buf != nullptr) {
            double b = mom * (first ? 0.0 : (double)buf[i]) + g / denom;
            buf[i] = (T)b;
            p[i] = (T)(pi - lr * b);
        } else {
            p[i] = (T)(pi - lr * (g / denom));
        }
    }
}

// Adagrad (CpuOptimizers.adagrad): g = grad + wd p; s = (first ? init : sum) + g g; p = p - clr (g / (sqrt(s) + eps)).
// clr = lr / (1 + (step - 1) lr_decay) is computed on the host (AdagradConfig.stepLr), as the CPU does.
template <typename T>
__device__ __forceinline__ void adagrad_impl(T* p, const T* grad, T* sum, int n, double clr, double wd, double eps,
                                             double init, int first) {
    GRID_STRIDE(i, n) {
        double pi = (double)p[i];
        double g = (double)grad[i] + wd * pi;
        double s = (first ? init : (double)sum[i]) + g * g;
        sum[i] = (T)s;
        p[i] = (T)(pi - clr * (g / (sqrt(s) + eps)));
    }
}

// ---- extern "C" entry points, one per dtype: gated_<op>_f32 / gated_<op>_f64 ----

#define GATED_KERNELS(T, S)                                                                                      \
    extern "C" __global__ void gated_fill_##S(T* x, T v, int n) { fill_impl<T>(x, v, n); }                        \
    extern "C" __global__ void gated_axpby_##S(T alpha, const T* x, T beta, T* y, int n) {                        \
        axpby_impl<T>(alpha, x, beta, y, n);                                                                      \
    }                                                                                                             \
    extern "C" __global__ void gated_binary_##S(int op, const T* a, const T* b, T* out, int n) {                  \
        binary_impl<T>(op, a, b, out, n);                                                                         \
    }                                                                                                             \
    extern "C" __global__ void gated_add_row_vector_##S(T* x, const T* v, int n, int cols) {                      \
        add_row_vector_impl<T>(x, v, n, cols);                                                                    \
    }                                                                                                             \
    extern "C" __global__ void gated_sum_rows_##S(const T* x, T* out, int rows, int cols, int accumulate) {       \
        sum_rows_impl<T>(x, out, rows, cols, accumulate);                                                         \
    }                                                                                                             \
    extern "C" __global__ void gated_reduce_partials_##S(int code, const T* x, const T* y, T* grad, int n,       \
                                                         double scale, double* partials) {                        \
        reduce_partials_impl<T>(code, x, y, grad, n, scale, partials);                                            \
    }                                                                                                             \
    extern "C" __global__ void gated_gather_rows_##S(const T* src, const int* rows, T* dst, int count, int cols) { \
        gather_rows_impl<T>(src, rows, dst, count, cols);                                                         \
    }                                                                                                             \
    extern "C" __global__ void gated_scatter_add_rows_##S(const T* src, const int* rows, T* dst, int count,      \
                                                          int cols) {                                             \
        scatter_add_rows_impl<T>(src, rows, dst, count, cols);                                                    \
    }                                                                                                             \
    extern "C" __global__ void gated_softmax_xent_##S(const T* logits, const int* labels, T* dLogits,           \
                                                      double* loss, int cols, double invN) {                      \
        softmax_xent_impl<T>(logits, labels, dLogits, loss, cols, invN);                                          \
    }                                                                                                             \
    extern "C" __global__ void gated_softmax_rows_##S(const T* x, T* y, double* masked, int rows, int cols) {       \
        softmax_rows_impl<T>(x, y, masked, rows, cols);                                                           \
    }                                                                                                             \
    extern "C" __global__ void gated_softmax_rows_backward_##S(const T* y, const T* dy, T* dx, int rows,         \
                                                               int cols) {                                        \
        softmax_rows_backward_impl<T>(y, dy, dx, rows, cols);                                                     \
    }                                                                                                             \
    extern "C" __global__ void gated_dropout_##S(const T* x, T* y, int n, double p, T scale,                     \
                                                 unsigned long long seed, unsigned long long offset) {            \
        dropout_impl<T>(x, y, n, p, scale, seed, offset);                                                         \
    }                                                                                                             \
    extern "C" __global__ void gated_sgd_##S(T* p, const T* grad, T* buf, int n, double lr, double wd,           \
                                             double mom, double damp, int nesterov, int first) {                  \
        sgd_impl<T>(p, grad, buf, n, lr, wd, mom, damp, nesterov, first);                                         \
    }                                                                                                             \
    extern "C" __global__ void gated_adam_##S(T* p, const T* grad, T* m, T* v, int n, double lr, double b1,      \
                                              double b2, double eps, double wd, int decoupled, double decay,       \
                                              double bc1, double bc2) {                                           \
        adam_impl<T>(p, grad, m, v, n, lr, b1, b2, eps, wd, decoupled, decay, bc1, bc2);                          \
    }                                                                                                             \
    extern "C" __global__ void gated_rmsprop_##S(T* p, const T* grad, T* sq, T* buf, T* gavg, int n, double lr,   \
                                                 double alpha, double eps, double wd, double mom, int first) {    \
        rmsprop_impl<T>(p, grad, sq, buf, gavg, n, lr, alpha, eps, wd, mom, first);                               \
    }                                                                                                             \
    extern "C" __global__ void gated_adagrad_##S(T* p, const T* grad, T* sum, int n, double clr, double wd,       \
                                                 double eps, double init, int first) {                            \
        adagrad_impl<T>(p, grad, sum, n, clr, wd, eps, init, first);                                              \
    }

GATED_KERNELS(float, f32)
GATED_KERNELS(double, f64)

// Unary kernels differ by dtype (float32 keeps some ops in float), so they are written out.
extern "C" __global__ void gated_unary_f32(int op, const float* x, float* y, int n) {
    GRID_STRIDE(i, n) { y[i] = unary_f(op, x[i]); }
}

extern "C" __global__ void gated_unary_f64(int op, const double* x, double* y, int n) {
    GRID_STRIDE(i, n) { y[i] = unary_d(op, x[i]); }
}

extern "C" __global__ void gated_unary_backward_f32(int op, const float* x, const float* y, const float* dy,
                                                    float* dx, int n) {
    GRID_STRIDE(i, n) { dx[i] = (float)unary_backward_d(op, (double)x[i], (double)y[i], (double)dy[i]); }
}

extern "C" __global__ void gated_unary_backward_f64(int op, const double* x, const double* y, const double* dy,
                                                    double* dx, int n) {
    GRID_STRIDE(i, n) { dx[i] = unary_backward_d(op, x[i], y[i], dy[i]); }
}

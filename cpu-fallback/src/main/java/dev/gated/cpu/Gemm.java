package dev.gated.cpu;

/**
 * Row-major GEMM on primitive arrays: C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n,
 * leading dimensions lda/ldb/ldc and element offsets. beta = 0 overwrites C (old NaNs do not leak). The float32
 * and float64 entry points are {@link F32Gemm} and {@link F64Gemm}, both generated from the one template
 * {@code src/main/templates/dev/gated/cpu/Gemm.java.tmpl} (with {@code GemmJob.java.tmpl}); this class holds what
 * they share: the contract, the shape-only constants and the argument checks.
 *
 * <p>Determinism contract (the RNN relies on it): every C element is computed by the same sequence of
 * floating-point operations whatever m, n, the tile it falls in or the thread count, so a row of C is the
 * same whether it is computed alone, in a batch chunk, or split over threads.
 *
 * <p>That sequence, for element (i, j): {@code acc = 0; for p = 0 .. k-1 in order: acc = acc + op(A)[i][p] *
 * op(B)[p][j]} (a separate multiply and add, rounded to the dtype each time; never a fused multiply-add), then
 * {@code C[i][j] = alpha * acc} when beta = 0, else {@code alpha * acc + beta * C[i][j]}. alpha = 0 or k = 0
 * gives {@code beta * C} (0 when beta = 0) without reading A or B, as BLAS does. Blocking, packing, the
 * micro-kernel shapes, the vectorized loops and their scalar tails only change which elements are computed
 * together, never this sequence; the prepacked-B entry points give the same bits as the plain ones. That is why
 * both precisions can share one set of micro-kernels and differ only in their tile sizes.
 *
 * <p>How it is fast without the Vector API: op(B) is packed k-major into separate row arrays of NB columns and
 * each tile of C accumulates in separate zero-based row arrays, so every inner loop is {@code c[j] += a * b[j]}
 * over plain indices: C2 in Java 17 only vectorizes array accesses whose index is the loop variable plus a
 * constant, not plus a loop-invariant offset. The micro-kernel updates 3 rows of C with 2 values of p per pass
 * over j, which keeps the loop body small enough for C2 to unroll and vectorize it (larger bodies silently fall
 * back to scalar code). op(B) is packed once per call (for a group of column blocks that fits {@link #PANEL_CAP})
 * and shared by every tile, or packed once by the caller for many calls ({@code F32Gemm.Packed}). Tiles of C
 * (MB x NB, shorter for large products with few tiles) depend on m, n and k only, never on the thread count, and
 * run in parallel when the product is large. A transposed A is packed per tile and k block.
 */
final class Gemm {
    private Gemm() {
    }

    /**
     * A large product (m*n*k >= PARALLEL_MNK) with fewer tiles than this gets shorter tiles (at least MIN_ROWS
     * rows), so that threads have work to share. Depends on the shape only.
     */
    static final int MIN_TILES = 8;

    /** Most elements of op(B) packed at once per call; beyond a column block of it, tiles pack their own. */
    static final int PANEL_CAP = 1 << 21;

    /** Below this m*n*k a call runs on the calling thread. */
    static final long PARALLEL_MNK = 1L << 21;

    /** Packing is split over threads when at least this many elements are packed. */
    static final long PARALLEL_PACK = 1L << 16;

    /** k rows per packing task. */
    static final int PACK_ROWS_PER_TASK = 64;

    static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: expected m, n, k >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    /** A rows x cols matrix at off with leading dimension ld must lie inside an array of the given length. */
    static void checkMatrix(String name, int length, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (off < 0 || ld < cols) {
            throw new IllegalArgumentException(name + ": expected offset >= 0 and leading dimension >= " + cols
                    + ", got offset " + off + " and leading dimension " + ld);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > length) {
            throw new IllegalArgumentException(name + ": a " + rows + " x " + cols + " matrix at offset " + off
                    + " with leading dimension " + ld + " needs " + last + " elements, the array has " + length);
        }
    }
}

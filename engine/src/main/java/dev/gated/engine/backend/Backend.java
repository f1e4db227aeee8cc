package dev.gated.engine.backend;

import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;

/**
 * The only surface the engine talks to. Tensor-level and small on purpose, so a new backend is cheap and
 * every backend is complete. All tensor arguments must belong to this backend and share one dtype; a
 * wrong shape or dtype throws {@link IllegalArgumentException} naming the argument, expected and actual.
 * Results must not depend on the number of threads.
 */
public interface Backend extends AutoCloseable {
    /** "cpu" or "cuda". */
    String name();

    /** What it runs on, e.g. "pure Java, 2 threads" or "NVIDIA H100, cuDNN 9.1". */
    String description();

    // ---- memory ----

    /** A zero-filled tensor. */
    Tensor allocate(DType dtype, Shape shape);

    /** Copies host data in, converting to {@code dtype}. */
    Tensor upload(double[] data, Shape shape, DType dtype);

    Tensor upload(float[] data, Shape shape, DType dtype);

    double[] download(Tensor t);

    float[] downloadFloat(Tensor t);

    /** dst = src; the element counts and dtypes must match (shapes may differ). */
    void copy(Tensor src, Tensor dst);

    void fill(Tensor t, double value);

    // ---- dense algebra ----

    /** c = alpha * op(a) * op(b) + beta * c over 2-D tensors (beta = 0 ignores c's old contents, NaN included). */
    void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /**
     * c[i] = alpha * op(a[i]) * op(b[i]) + beta * c[i] for every i of the leading axis of three 3-D tensors
     * (a strided-batched GEMM, cuBLAS's {@code gemmStridedBatched}): attention scores and contexts, one small
     * product per sequence. The leading axes must be equal; beta = 0 ignores c's old contents, NaN included.
     */
    void batchedGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /** y = alpha * x + beta * y. */
    void axpby(double alpha, Tensor x, double beta, Tensor y);

    // ---- element-wise ----

    void unary(UnaryOp op, Tensor x, Tensor y);

    /** dx = dy * f'(x), with y = f(x) given so backends can use it (tanh, sigmoid, exp, sqrt). */
    void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor dy, Tensor dx);

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** x[r, :] += v for every row r of the 2-D view of x (last axis = v's length). */
    void addRowVector(Tensor x, Tensor v);

    /** out = (accumulate ? out : 0) + sum over rows of x's 2-D view: bias gradients. */
    void sumRows(Tensor x, Tensor out, boolean accumulate);

    /**
     * y[r, :] = softmax(x[r, :]) over the last axis of the 2-D views (x and y may be the same tensor). An entry of
     * -inf gets probability 0 (masking); every row needs at least one finite entry.
     */
    void softmaxRows(Tensor x, Tensor y);

    /** dx[r, :] = y[r, :] * (dy[r, :] - sum(dy[r, :] * y[r, :])): the gradient through {@link #softmaxRows}. */
    void softmaxRowsBackward(Tensor y, Tensor dy, Tensor dx);

    // ---- reductions (results are host numbers; reduction order is fixed) ----

    double sum(Tensor x);

    double sumOfSquares(Tensor x);

    boolean allFinite(Tensor x);

    // ---- indexing ----

    /** dst[i, :] = src[rows[i], :] over 2-D views. */
    void gatherRows(Tensor src, int[] rows, Tensor dst);

    /** dst[rows[i], :] += src[i, :], in order of i (repeated rows accumulate). */
    void scatterAddRows(Tensor src, int[] rows, Tensor dst);

    // ---- losses: mean-reduced; the gradient of the returned loss is written to the optional tensor ----

    /** mean((pred - target)^2) over all elements. */
    double mseLoss(Tensor pred, Tensor target, Tensor dPred);

    /** mean over rows of -log softmax(logits)[label]; labels in [0, C). */
    double softmaxCrossEntropy(Tensor logits, int[] labels, Tensor dLogits);

    // ---- dropout ----

    /**
     * y = x * keep / (1 - p), keep[i] = {@link CounterRng#keep}(seed, offset + i, p). The backward pass is
     * the same call on dy with the same seed and offset, so no mask is stored.
     */
    void dropout(Tensor x, Tensor y, double p, long seed, long offset);

    // ---- fused optimizer steps over a flat parameter buffer ----

    /** {@code momentumBuffer} may be null when momentum is 0; {@code step} counts from 1. */
    void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, SgdConfig config, long step);

    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, AdamConfig config, long step);

    /**
     * RMSprop ({@link RmspropConfig}). {@code momentumBuffer} is required when momentum > 0 and {@code gradAvg}
     * when centered (else either may be null). On step 1 the state's contents are ignored and taken as 0, as
     * PyTorch initialises it, so fresh buffers need no clearing.
     */
    void rmspropStep(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBuffer, Tensor gradAvg,
                     RmspropConfig config, long step);

    /**
     * Adagrad ({@link AdagradConfig}). On step 1 {@code stateSum}'s contents are ignored and taken as
     * {@code initialAccumulatorValue}, as PyTorch initialises it.
     */
    void adagradStep(Tensor param, Tensor grad, Tensor stateSum, AdagradConfig config, long step);

    // ---- recurrent networks, mirroring cuDNN's v8 RNN API ----

    RnnPlan rnnPlan(RnnSpec spec);

    /**
     * y (and hy, cy) from x. Sequence b uses steps [0, seqLengths[b]); y past that is 0 and hy/cy are taken
     * at the sequence's own last step (for the reverse direction: at step 0).
     */
    void rnnForward(RnnPlan plan, RnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io, Tensor weights);

    /** dx (and dhx, dcx) from dy (and dhy, dcy). Needs the workspace of a training-mode forward on the same io. */
    void rnnBackwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, RnnGradients grads,
                         Tensor weights);

    /** dWeights += gradient of the weights, like cuDNN's CUDNN_WGRAD_MODE_ADD. Call after backward-data. */
    void rnnBackwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, Tensor dWeights);

    @Override
    void close();
}

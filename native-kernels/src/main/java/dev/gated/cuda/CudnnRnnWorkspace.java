package dev.gated.cuda;

import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.Arrays;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnForwardMode;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnRNNDataDescriptor;
import jcuda.jcudnn.cudnnRNNDataLayout;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnWgradMode;

/**
 * Device scratch for one {@link CudnnRnnPlan} at fixed maximum sizes: cuDNN's work and reserve space, sized by
 * {@code cudnnGetRNNTempSpaceSizes} for (maxSeqLength, batchSize) and allocated once; the sequence lengths on
 * the device ({@code devSeqLengths}); and the data descriptors of the current call.
 *
 * <p>Descriptors describe the actual call (T <= maxSeqLength, B <= batchSize, the given lengths) and are
 * rebuilt only when (T, B, lengths) change. x and y use the sequence-major unpacked layout with padded I/O;
 * cuDNN fills y's padded steps with the padding value 0 (from pinned host memory, which JCudnn passes through
 * as an address). dx's padded steps are not documented to be written, so dx is zeroed first when the batch
 * has padding, matching the CPU path.
 *
 * <p>Everything is queued on the context's stream; the lengths go up with an asynchronous copy from pageable
 * memory, which the driver stages before returning (no device synchronisation).
 */
final class CudnnRnnWorkspace implements RnnWorkspace {
    private final CudnnRnnPlan plan;
    private final CudaContext ctx;
    private final RnnSpec spec;
    private final int maxT;
    private final int maxB;
    private final int dataType;
    private final cudnnRNNDataDescriptor xDesc = new cudnnRNNDataDescriptor();
    private final cudnnRNNDataDescriptor yDesc = new cudnnRNNDataDescriptor();
    private final cudnnTensorDescriptor hDesc = new cudnnTensorDescriptor();
    private int created; // how many of the three descriptors exist, for close()
    private final Pointer paddingFill = new Pointer();
    private boolean paddingFillAllocated;
    private CUdeviceptr devSeqLengths;
    private CUdeviceptr work;
    private CUdeviceptr reserve;
    private long workBytes;
    private long reserveBytes;

    // The call the descriptors and devSeqLengths currently describe.
    private int descT = -1;
    private int descB = -1;
    private int[] descLengths;
    private boolean padded;

    private final CudnnRnnCallOrder order = new CudnnRnnCallOrder();
    private boolean closed;

    CudnnRnnWorkspace(CudnnRnnPlan plan, int maxSeqLength, int batchSize) {
        this.plan = plan;
        this.ctx = plan.context();
        this.spec = plan.spec();
        this.maxT = maxSeqLength;
        this.maxB = batchSize;
        this.dataType = CudnnRnnDescriptorArgs.dataType(spec.dtype());
        ctx.makeCurrent();
        try {
            allocate();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void allocate() {
        CudnnErrors.check(JCudnn.cudnnCreateRNNDataDescriptor(xDesc), "cudnnCreateRNNDataDescriptor", spec);
        created++;
        CudnnErrors.check(JCudnn.cudnnCreateRNNDataDescriptor(yDesc), "cudnnCreateRNNDataDescriptor", spec);
        created++;
        CudnnErrors.check(JCudnn.cudnnCreateTensorDescriptor(hDesc), "cudnnCreateTensorDescriptor", spec);
        created++;
        // 8 bytes hold a float or a double zero.
        CudaErrors.driver(JCudaDriver.cuMemAllocHost(paddingFill, 8), "cuMemAllocHost(8) for the RNN padding value");
        paddingFillAllocated = true;
        paddingFill.getByteBuffer(0, 8).putLong(0, 0L);
        devSeqLengths = ctx.allocate((long) maxB * Integer.BYTES, "RNN sequence lengths (B = " + maxB + ")");

        // The largest call: every sequence maxT long. Training needs the reserve space, inference may need more
        // work space in some algorithms, so the work space takes the larger of the two.
        describe(maxT, maxB, CudnnRnnShapes.full(maxT, maxB));
        long[] trainWork = {0};
        long[] trainReserve = {0};
        long[] inferWork = {0};
        long[] inferReserve = {0};
        cudnnHandle h = ctx.cudnn();
        CudnnErrors.check(JCudnn.cudnnGetRNNTempSpaceSizes(h, plan.descriptor(), cudnnForwardMode.CUDNN_FWD_MODE_TRAINING,
                xDesc, trainWork, trainReserve), "cudnnGetRNNTempSpaceSizes(TRAINING)", this);
        CudnnErrors.check(JCudnn.cudnnGetRNNTempSpaceSizes(h, plan.descriptor(), cudnnForwardMode.CUDNN_FWD_MODE_INFERENCE,
                xDesc, inferWork, inferReserve), "cudnnGetRNNTempSpaceSizes(INFERENCE)", this);
        workBytes = Math.max(trainWork[0], inferWork[0]);
        reserveBytes = trainReserve[0];
        if (workBytes > 0) {
            work = ctx.allocate(workBytes, "cuDNN RNN work space of " + spec + " (T <= " + maxT + ", B <= " + maxB + ")");
        }
        if (reserveBytes > 0) {
            reserve = ctx.allocate(reserveBytes, "cuDNN RNN reserve space of " + spec + " (T <= " + maxT + ", B <= "
                    + maxB + ")");
        }
    }

    CudnnRnnPlan plan() {
        return plan;
    }

    @Override
    public int maxSeqLength() {
        return maxT;
    }

    @Override
    public int batchSize() {
        return maxB;
    }

    /** Sets the descriptors and uploads the lengths for a call, unless they already describe it. */
    private void describe(int t, int b, int[] lengths) {
        if (t == descT && b == descB && Arrays.equals(lengths, descLengths)) {
            return;
        }
        // cuDNN takes the padding value from host memory; JCudnn passes only native addresses through (a Java
        // array would arrive as NULL, which leaves y's padding undefined), hence the pinned buffer, kept until close.
        Pointer fill = paddingFill;
        CudnnErrors.check(JCudnn.cudnnSetRNNDataDescriptor(xDesc, dataType,
                cudnnRNNDataLayout.CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, t, b, spec.inputSize(), lengths, fill),
                "cudnnSetRNNDataDescriptor(x)", callText(t, b, lengths));
        CudnnErrors.check(JCudnn.cudnnSetRNNDataDescriptor(yDesc, dataType,
                cudnnRNNDataLayout.CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, t, b, spec.outputSize(), lengths, fill),
                "cudnnSetRNNDataDescriptor(y)", callText(t, b, lengths));
        if (b != descB) {
            CudnnErrors.check(JCudnn.cudnnSetTensorNdDescriptor(hDesc, dataType, 3,
                    CudnnRnnDescriptorArgs.stateDims(spec, b), CudnnRnnDescriptorArgs.stateStrides(spec, b)),
                    "cudnnSetTensorNdDescriptor(hx/cx)", callText(t, b, lengths));
        }
        // Stream-ordered after every call that still reads the previous lengths.
        CudaErrors.driver(JCudaDriver.cuMemcpyHtoDAsync(devSeqLengths, Pointer.to(lengths), (long) b * Integer.BYTES,
                ctx.stream()), "cuMemcpyHtoDAsync(devSeqLengths)");
        descT = t;
        descB = b;
        descLengths = lengths.clone();
        padded = CudnnRnnShapes.isPadded(lengths, t);
    }

    /** Describes the call and checks that cuDNN needs no more temp space for it than was allocated. */
    private void prepare(String call, RnnMode mode, int[] lengths, RnnTensors io) {
        requireOpen(call);
        int t = io.x().shape().dim(0);
        int b = io.x().shape().dim(1);
        ctx.makeCurrent();
        describe(t, b, lengths);
        // A host-side query, as cheap as PyTorch's per-call one; it catches a mode or shape that needs more
        // temp space than was allocated before cuDNN would write past it.
        long[] w = {0};
        long[] r = {0};
        boolean training = mode == RnnMode.TRAINING;
        CudnnErrors.check(JCudnn.cudnnGetRNNTempSpaceSizes(ctx.cudnn(), plan.descriptor(),
                training ? cudnnForwardMode.CUDNN_FWD_MODE_TRAINING : cudnnForwardMode.CUDNN_FWD_MODE_INFERENCE,
                xDesc, w, r), "cudnnGetRNNTempSpaceSizes", callText(t, b, lengths));
        CudnnRnnShapes.checkTempSpace(call, w[0], workBytes, training ? r[0] : 0, reserveBytes,
                callText(t, b, lengths));
    }

    private void requireOpen(String call) {
        if (closed) {
            throw new IllegalStateException(call + ": this RNN workspace (" + this + ") is closed");
        }
        plan.requireOpen(call);
    }

    private String callText(int t, int b, int[] lengths) {
        return spec + " with T = " + t + ", B = " + b + ", lengths " + Arrays.toString(lengths);
    }

    private static CUdeviceptr ptr(Tensor t, String name) {
        return t == null ? null : CudaTensor.of(t, name).pointer();
    }

    void forward(RnnMode mode, int[] lengths, RnnTensors io, CudaTensor weights) {
        prepare("rnnForward", mode, lengths, io);
        boolean training = mode == RnnMode.TRAINING;
        order.forwardStarting();
        CudnnErrors.check(JCudnn.cudnnRNNForward(ctx.cudnn(), plan.descriptor(),
                training ? cudnnForwardMode.CUDNN_FWD_MODE_TRAINING : cudnnForwardMode.CUDNN_FWD_MODE_INFERENCE,
                devSeqLengths, xDesc, ptr(io.x(), "x"), yDesc, ptr(io.y(), "y"),
                hDesc, ptr(io.hx(), "hx"), ptr(io.hy(), "hy"),
                hDesc, ptr(io.cx(), "cx"), ptr(io.cy(), "cy"),
                plan.weightSpaceBytes(), weights.pointer(), workBytes, work,
                training ? reserveBytes : 0, training ? reserve : null),
                "cudnnRNNForward(" + mode + ")", callText(descT, descB, descLengths));
        order.forwardDone(training, descT, descB, descLengths);
    }

    void backwardData(int[] lengths, RnnTensors io, RnnGradients grads, CudaTensor weights) {
        requireOpen("rnnBackwardData");
        order.requireForward("rnnBackwardData", io.x().shape().dim(0), io.x().shape().dim(1), lengths);
        prepare("rnnBackwardData", RnnMode.TRAINING, lengths, io);
        CudaTensor dx = CudaTensor.of(grads.dx(), "dx");
        if (padded) {
            CudaErrors.driver(JCudaDriver.cuMemsetD8Async(dx.pointer(), (byte) 0, dx.bytes(), ctx.stream()),
                    "cuMemsetD8Async(dx)");
        }
        CudnnErrors.check(JCudnn.cudnnRNNBackwardData_v8(ctx.cudnn(), plan.descriptor(), devSeqLengths,
                yDesc, ptr(io.y(), "y"), ptr(grads.dy(), "dy"),
                xDesc, dx.pointer(),
                hDesc, ptr(io.hx(), "hx"), ptr(grads.dhy(), "dhy"), ptr(grads.dhx(), "dhx"),
                hDesc, ptr(io.cx(), "cx"), ptr(grads.dcy(), "dcy"), ptr(grads.dcx(), "dcx"),
                plan.weightSpaceBytes(), weights.pointer(), workBytes, work, reserveBytes, reserve),
                "cudnnRNNBackwardData_v8", callText(descT, descB, descLengths));
        order.backwardDataDone();
    }

    void backwardWeights(int[] lengths, RnnTensors io, CudaTensor dWeights) {
        requireOpen("rnnBackwardWeights");
        order.requireBackwardData("rnnBackwardWeights", io.x().shape().dim(0), io.x().shape().dim(1), lengths);
        prepare("rnnBackwardWeights", RnnMode.TRAINING, lengths, io);
        CudnnErrors.check(JCudnn.cudnnRNNBackwardWeights_v8(ctx.cudnn(), plan.descriptor(),
                cudnnWgradMode.CUDNN_WGRAD_MODE_ADD, devSeqLengths,
                xDesc, ptr(io.x(), "x"), hDesc, ptr(io.hx(), "hx"), yDesc, ptr(io.y(), "y"),
                plan.weightSpaceBytes(), dWeights.pointer(), workBytes, work, reserveBytes, reserve),
                "cudnnRNNBackwardWeights_v8", callText(descT, descB, descLengths));
    }

    /**
     * Waits for queued work that may still use the buffers, frees the device and pinned buffers and destroys the
     * descriptors. Idempotent. After the context itself was closed (it freed every allocation) only the host-side
     * descriptors are left to destroy.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        order.reset();
        try {
            if (contextOpen()) {
                try {
                    ctx.synchronize();
                } finally {
                    free(work);
                    free(reserve);
                    free(devSeqLengths);
                    if (paddingFillAllocated) {
                        JCudaDriver.cuMemFreeHost(paddingFill);
                    }
                }
            }
        } finally {
            work = null;
            reserve = null;
            devSeqLengths = null;
            paddingFillAllocated = false;
            if (created > 2) {
                JCudnn.cudnnDestroyTensorDescriptor(hDesc);
            }
            if (created > 1) {
                JCudnn.cudnnDestroyRNNDataDescriptor(yDesc);
            }
            if (created > 0) {
                JCudnn.cudnnDestroyRNNDataDescriptor(xDesc);
            }
        }
    }

    private boolean contextOpen() {
        try {
            ctx.makeCurrent();
            return true;
        } catch (IllegalStateException closedContext) {
            return false;
        }
    }

    private void free(CUdeviceptr p) {
        if (p != null) {
            ctx.free(p);
        }
    }

    @Override
    public String toString() {
        return "CudnnRnnWorkspace(" + spec + ", T <= " + maxT + ", B <= " + maxB + ")";
    }
}

package dev.gated.cuda;

import dev.gated.engine.backend.Precision;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnDropoutDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnRNNDescriptor;
import jcuda.jcudnn.cudnnTensorDescriptor;

/**
 * An RNN on cuDNN's v8 API: one RNN descriptor and the weight-space layout that {@code cudnnGetRNNWeightParams}
 * reports, queried once here. The flat weight buffer is cuDNN's own weight space; canonical tensors are copied
 * in and out of it on the context's stream. Forward and backward calls run in a {@link CudnnRnnWorkspace}.
 */
final class CudnnRnnPlan implements RnnPlan {
    private final CudaContext ctx;
    private final RnnSpec spec;
    private final CudnnRnnDescriptorArgs args;
    private final cudnnDropoutDescriptor dropoutDesc = new cudnnDropoutDescriptor();
    private final cudnnRNNDescriptor rnnDesc = new cudnnRNNDescriptor();
    private boolean dropoutCreated;
    private boolean rnnCreated;
    private final CudnnWeightLayout layout;
    private boolean closed;

    CudnnRnnPlan(CudaContext ctx, RnnSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec: required, got null");
        }
        this.ctx = ctx;
        this.spec = spec;
        this.args = CudnnRnnDescriptorArgs.of(spec, ctx.precision() == Precision.TF32);
        ctx.makeCurrent();
        try {
            createDescriptors();
            this.layout = queryLayout();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void createDescriptors() {
        cudnnHandle h = ctx.cudnn();
        CudnnErrors.check(JCudnn.cudnnCreateDropoutDescriptor(dropoutDesc), "cudnnCreateDropoutDescriptor", spec);
        dropoutCreated = true;
        // No dropout between layers (the spec has none): like PyTorch's set_no_dropout, a rate of 0 with no
        // state buffer, which cuDNN accepts and which launches no RNG initialisation.
        CudnnErrors.check(JCudnn.cudnnSetDropoutDescriptor(dropoutDesc, h, 0f, null, 0, 0),
                "cudnnSetDropoutDescriptor(dropout 0)", spec);
        CudnnErrors.check(JCudnn.cudnnCreateRNNDescriptor(rnnDesc), "cudnnCreateRNNDescriptor", spec);
        rnnCreated = true;
        CudnnErrors.check(JCudnn.cudnnSetRNNDescriptor_v8(rnnDesc, args.algo(), args.cellMode(), args.biasMode(),
                args.dirMode(), args.inputMode(), args.dataType(), args.mathPrec(), args.mathType(),
                args.inputSize(), args.hiddenSize(), args.projSize(), args.numLayers(), dropoutDesc,
                args.auxFlags()), "cudnnSetRNNDescriptor_v8", spec + " " + args);
    }

    /**
     * Asks cuDNN where every gate block lives, against a temporary weight space (the call only does address
     * arithmetic on it, but it wants a real buffer), and keeps byte offsets from its base.
     */
    private CudnnWeightLayout queryLayout() {
        cudnnHandle h = ctx.cudnn();
        long[] size = {0};
        CudnnErrors.check(JCudnn.cudnnGetRNNWeightSpaceSize(h, rnnDesc, size), "cudnnGetRNNWeightSpaceSize", spec);
        long spaceBytes = size[0];
        if (spaceBytes <= 0) {
            throw new IllegalStateException("cudnnGetRNNWeightSpaceSize: " + spaceBytes + " bytes for " + spec);
        }
        CUdeviceptr base = ctx.allocate(spaceBytes, "the cuDNN weight-space layout query of " + spec);
        cudnnTensorDescriptor mDesc = new cudnnTensorDescriptor();
        cudnnTensorDescriptor bDesc = new cudnnTensorDescriptor();
        boolean mCreated = false;
        boolean bCreated = false;
        try {
            CudnnErrors.check(JCudnn.cudnnCreateTensorDescriptor(mDesc), "cudnnCreateTensorDescriptor", spec);
            mCreated = true;
            CudnnErrors.check(JCudnn.cudnnCreateTensorDescriptor(bDesc), "cudnnCreateTensorDescriptor", spec);
            bCreated = true;
            long baseAddress = CudnnAddress.of(base);
            return CudnnWeightLayout.build(spec, spaceBytes, (pseudo, id) -> {
                CudnnAddress mAddr = new CudnnAddress();
                CudnnAddress bAddr = new CudnnAddress();
                CudnnErrors.check(JCudnn.cudnnGetRNNWeightParams(h, rnnDesc, pseudo, spaceBytes, base, id, mDesc,
                        mAddr, bDesc, bAddr), "cudnnGetRNNWeightParams(pseudoLayer " + pseudo + ", linLayerID "
                        + id + ")", spec);
                return new CudnnWeightLayout.LinLayer(region("matrix", mDesc, mAddr, baseAddress, pseudo, id),
                        region("bias", bDesc, bAddr, baseAddress, pseudo, id));
            });
        } finally {
            if (mCreated) {
                JCudnn.cudnnDestroyTensorDescriptor(mDesc);
            }
            if (bCreated) {
                JCudnn.cudnnDestroyTensorDescriptor(bDesc);
            }
            ctx.free(base);
        }
    }

    /** One reported region, or null when cuDNN returned a null address (no such matrix or bias). */
    private CudnnWeightLayout.Region region(String what, cudnnTensorDescriptor desc, CudnnAddress addr, long base,
                                           int pseudo, int id) {
        if (addr.address() == 0) {
            return null;
        }
        int[] dataType = {0};
        int[] nbDims = {0};
        int[] dims = new int[8];
        int[] strides = new int[8];
        CudnnErrors.check(JCudnn.cudnnGetTensorNdDescriptor(desc, dims.length, dataType, nbDims, dims, strides),
                "cudnnGetTensorNdDescriptor(" + what + " of pseudoLayer " + pseudo + ", linLayerID " + id + ")",
                spec);
        int n = Math.min(nbDims[0], dims.length);
        return new CudnnWeightLayout.Region(addr.address() - base, dataType[0], java.util.Arrays.copyOf(dims, n),
                java.util.Arrays.copyOf(strides, n));
    }

    CudaContext context() {
        return ctx;
    }

    cudnnRNNDescriptor descriptor() {
        return rnnDesc;
    }

    long weightSpaceBytes() {
        return layout.spaceBytes();
    }

    void requireOpen(String call) {
        if (closed) {
            throw new IllegalStateException(call + ": this RNN plan (" + spec + ") is closed");
        }
    }

    @Override
    public RnnSpec spec() {
        return spec;
    }

    @Override
    public int weightSpaceSize() {
        return layout.spaceElements();
    }

    private void checkWeightSpace(String what, Tensor weightSpace) {
        if (weightSpace == null || weightSpace.shape().rank() != 1 || weightSpace.shape().dim(0) != weightSpaceSize()
                || weightSpace.dtype() != spec.dtype()) {
            throw new IllegalArgumentException(what + ": expected the flat weight buffer [" + weightSpaceSize()
                    + "] " + spec.dtype() + " of " + spec + ", got "
                    + (weightSpace == null ? "null" : weightSpace.shape() + " " + weightSpace.dtype()));
        }
    }

    @Override
    public void writeParameter(Tensor weightSpace, String name, Tensor value) {
        copyParameter(weightSpace, name, value, true);
    }

    @Override
    public void readParameter(Tensor weightSpace, String name, Tensor out) {
        copyParameter(weightSpace, name, out, false);
    }

    /** Device-to-device copies on the stream, one per coalesced run of gate blocks. */
    private void copyParameter(Tensor weightSpace, String name, Tensor canonical, boolean in) {
        requireOpen(in ? "writeParameter" : "readParameter");
        RnnChecks.parameter(spec, name, canonical);
        checkWeightSpace("weightSpace", weightSpace);
        CUdeviceptr space = CudaTensor.of(weightSpace, "weightSpace").pointer();
        CUdeviceptr tensor = CudaTensor.of(canonical, name).pointer();
        int eb = spec.dtype().bytes();
        ctx.makeCurrent();
        for (CudnnWeightLayout.Segment s : layout.segments(name)) {
            CUdeviceptr inSpace = space.withByteOffset(s.spaceByte());
            CUdeviceptr inTensor = tensor.withByteOffset(s.canonical() * eb);
            CudaErrors.driver(JCudaDriver.cuMemcpyDtoDAsync(in ? inSpace : inTensor, in ? inTensor : inSpace,
                    s.elements() * eb, ctx.stream()), "cuMemcpyDtoDAsync(" + name + ")");
        }
    }

    @Override
    public CudnnRnnWorkspace workspace(int maxSeqLength, int batchSize) {
        requireOpen("workspace");
        if (maxSeqLength < 1) {
            throw new IllegalArgumentException("maxSeqLength: expected >= 1, got " + maxSeqLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected >= 1, got " + batchSize);
        }
        return new CudnnRnnWorkspace(this, maxSeqLength, batchSize);
    }

    private CudnnRnnWorkspace own(CudnnRnnWorkspace ws) {
        requireOpen("rnn call");
        if (ws == null || ws.plan() != this) {
            throw new IllegalArgumentException("workspace: expected one made by this plan's workspace(), got " + ws);
        }
        return ws;
    }

    /** Inputs are validated by the backend (RnnChecks) before this is called. */
    void forward(CudnnRnnWorkspace ws, RnnMode mode, int[] seqLengths, RnnTensors io, CudaTensor weights) {
        own(ws).forward(mode, seqLengths, io, weights);
    }

    void backwardData(CudnnRnnWorkspace ws, int[] seqLengths, RnnTensors io, RnnGradients grads,
                      CudaTensor weights) {
        own(ws).backwardData(seqLengths, io, grads, weights);
    }

    /** Adds this batch's weight gradients into {@code dWeights} (cuDNN's CUDNN_WGRAD_MODE_ADD). */
    void backwardWeights(CudnnRnnWorkspace ws, int[] seqLengths, RnnTensors io, CudaTensor dWeights) {
        own(ws).backwardWeights(seqLengths, io, dWeights);
    }

    /** Destroys the descriptors; workspaces are closed by their owners. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (rnnCreated) {
            JCudnn.cudnnDestroyRNNDescriptor(rnnDesc);
        }
        if (dropoutCreated) {
            JCudnn.cudnnDestroyDropoutDescriptor(dropoutDesc);
        }
    }

    @Override
    public String toString() {
        return "CudnnRnnPlan(" + spec + ")";
    }
}

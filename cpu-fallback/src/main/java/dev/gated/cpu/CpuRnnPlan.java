package dev.gated.cpu;

import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU RNN plan. The flat weight buffer holds the canonical tensors back to back in PyTorch's
 * state_dict order, so offsets are plain sums of sizes; the GPU backend uses cuDNN's layout instead,
 * which is why callers only go through {@link #writeParameter}/{@link #readParameter}.
 */
final class CpuRnnPlan implements RnnPlan {
    private final CpuBackend backend;
    private final RnnSpec spec;
    private final Map<String, Integer> offsets = new HashMap<>();
    /** offsets by [layer * D + direction][kind ordinal]. */
    private final int[][] offsetTable;
    private final int size;

    CpuRnnPlan(CpuBackend backend, RnnSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec: required, got null");
        }
        this.backend = backend;
        this.spec = spec;
        List<RnnParam> params = spec.parameters();
        this.offsetTable = new int[spec.numLayers() * spec.directions()][RnnParam.Kind.values().length];
        long off = 0;
        for (RnnParam p : params) {
            offsets.put(p.name(), (int) off);
            offsetTable[p.layer() * spec.directions() + p.direction()][p.kind().ordinal()] = (int) off;
            off += p.shape().numel();
        }
        if (off > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(spec + " has " + off + " parameters; the CPU backend holds at most 2^31-1");
        }
        this.size = (int) off;
    }

    CpuBackend backend() {
        return backend;
    }

    int offset(int layer, int direction, RnnParam.Kind kind) {
        return offsetTable[layer * spec.directions() + direction][kind.ordinal()];
    }

    @Override
    public RnnSpec spec() {
        return spec;
    }

    @Override
    public int weightSpaceSize() {
        return size;
    }

    private int checkedOffset(String what, Tensor weightSpace, String name, Tensor t) {
        RnnChecks.parameter(spec, name, t);
        CpuTensor w = backend.own(what, weightSpace);
        if (w.shape().rank() != 1 || w.shape().dim(0) != size || w.dtype() != spec.dtype()) {
            throw new IllegalArgumentException(what + ": expected the flat weight buffer [" + size + "] "
                    + spec.dtype() + " of " + spec + ", got " + w.shape() + " " + w.dtype());
        }
        backend.own(name, t);
        return offsets.get(name);
    }

    @Override
    public void writeParameter(Tensor weightSpace, String name, Tensor value) {
        int off = checkedOffset("weightSpace", weightSpace, name, value);
        CpuTensor w = (CpuTensor) weightSpace;
        CpuTensor v = (CpuTensor) value;
        if (spec.dtype() == DType.FLOAT32) {
            System.arraycopy(v.f(), 0, w.f(), off, v.numel());
        } else {
            System.arraycopy(v.d(), 0, w.d(), off, v.numel());
        }
    }

    @Override
    public void readParameter(Tensor weightSpace, String name, Tensor out) {
        int off = checkedOffset("weightSpace", weightSpace, name, out);
        CpuTensor w = (CpuTensor) weightSpace;
        CpuTensor o = (CpuTensor) out;
        if (spec.dtype() == DType.FLOAT32) {
            System.arraycopy(w.f(), off, o.f(), 0, o.numel());
        } else {
            System.arraycopy(w.d(), off, o.d(), 0, o.numel());
        }
    }

    @Override
    public RnnWorkspace workspace(int maxSeqLength, int batchSize) {
        if (maxSeqLength < 1) {
            throw new IllegalArgumentException("maxSeqLength: expected >= 1, got " + maxSeqLength);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected >= 1, got " + batchSize);
        }
        return spec.dtype() == DType.FLOAT32
                ? new CpuRnnWorkspace<>(this, backend.f32Kernels(), maxSeqLength, batchSize)
                : new CpuRnnWorkspace<>(this, F64Kernels.INSTANCE, maxSeqLength, batchSize);
    }

    CpuRnnWorkspace<?> workspace(RnnWorkspace ws) {
        if (!(ws instanceof CpuRnnWorkspace<?> w) || w.plan() != this) {
            throw new IllegalArgumentException("workspace: expected one made by this plan's workspace(), got " + ws);
        }
        return w;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "CpuRnnPlan(" + spec + ")";
    }
}

package dev.gated.cpu;

import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;

/** Work in progress. */
final class CpuRnnPlan implements RnnPlan {
    private final CpuBackend backend;
    private final RnnSpec spec;

    CpuRnnPlan(CpuBackend backend, RnnSpec spec) {
        this.backend = backend;
        this.spec = spec;
    }

    CpuBackend backend() {
        return backend;
    }

    @Override
    public RnnSpec spec() {
        return spec;
    }

    @Override
    public int weightSpaceSize() {
        return Math.toIntExact(spec.parameterCount());
    }

    @Override
    public void writeParameter(Tensor weightSpace, String name, Tensor value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void readParameter(Tensor weightSpace, String name, Tensor out) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RnnWorkspace workspace(int maxSeqLength, int batchSize) {
        throw new UnsupportedOperationException();
    }

    RnnWorkspace workspace(RnnWorkspace ws) {
        return ws;
    }

    void forward(RnnWorkspace ws, RnnMode mode, int[] lengths, RnnChecks.Geometry g, RnnTensors io, CpuTensor w) {
        throw new UnsupportedOperationException();
    }

    void backwardData(RnnWorkspace ws, int[] lengths, RnnChecks.Geometry g, RnnTensors io, RnnGradients grads, CpuTensor w) {
        throw new UnsupportedOperationException();
    }

    void backwardWeights(RnnWorkspace ws, int[] lengths, RnnChecks.Geometry g, RnnTensors io, CpuTensor dw) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}

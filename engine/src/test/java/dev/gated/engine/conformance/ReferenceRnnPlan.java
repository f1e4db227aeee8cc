package dev.gated.engine.conformance;

import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnChecks;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ReferenceBackend}'s RNN plan and workspace. Flat layout: one padding element, then the canonical parameters
 * from last to first (deliberately not the canonical order, so a suite that assumed a layout would fail).
 */
final class ReferenceRnnPlan implements RnnPlan {
    private final ReferenceBackend backend;
    final RnnSpec spec;
    final Map<String, Integer> offsets = new HashMap<>();
    final int size;

    ReferenceRnnPlan(ReferenceBackend backend, RnnSpec spec) {
        this.backend = backend;
        this.spec = spec;
        List<RnnParam> params = spec.parameters();
        int off = 1;
        for (int i = params.size() - 1; i >= 0; i--) {
            offsets.put(params.get(i).name(), off);
            off += params.get(i).shape().numel();
        }
        size = off;
    }

    ReferenceBackend backend() {
        return backend;
    }

    @Override
    public RnnSpec spec() {
        return spec;
    }

    @Override
    public int weightSpaceSize() {
        return size;
    }

    private RefTensor space(String name, Tensor w) {
        RefTensor r = backend.own(name, w);
        if (w.shape().rank() != 1 || w.numel() != size) {
            throw new IllegalArgumentException(name + ": expected the plan's flat weight buffer of shape [" + size
                    + "], got " + w.shape());
        }
        Checks.dtype(name, w, spec.dtype());
        return r;
    }

    @Override
    public void writeParameter(Tensor weightSpace, String name, Tensor value) {
        RefTensor w = space("weightSpace", weightSpace);
        RnnChecks.parameter(spec, name, value);
        RefTensor v = backend.own(name, value);
        System.arraycopy(v.data, 0, w.data, offsets.get(name), v.data.length);
    }

    @Override
    public void readParameter(Tensor weightSpace, String name, Tensor out) {
        RefTensor w = space("weightSpace", weightSpace);
        RnnChecks.parameter(spec, name, out);
        RefTensor o = backend.own(name, out);
        System.arraycopy(w.data, offsets.get(name), o.data, 0, o.data.length);
    }

    Map<String, double[]> canonical(RefTensor w) {
        Map<String, double[]> p = new LinkedHashMap<>();
        for (RnnParam param : spec.parameters()) {
            int off = offsets.get(param.name());
            double[] v = new double[param.shape().numel()];
            System.arraycopy(w.data, off, v, 0, v.length);
            p.put(param.name(), v);
        }
        return p;
    }

    @Override
    public RnnWorkspace workspace(int maxSeqLength, int batchSize) {
        Checks.positive("maxSeqLength", maxSeqLength);
        Checks.positive("batchSize", batchSize);
        return new Workspace(this, maxSeqLength, batchSize);
    }

    @Override
    public void close() {
    }

    static final class Workspace implements RnnWorkspace {
        final ReferenceRnnPlan plan;
        final int maxSeqLength;
        final int batchSize;
        boolean trained;
        Map<String, double[]> dParams;

        Workspace(ReferenceRnnPlan plan, int maxSeqLength, int batchSize) {
            this.plan = plan;
            this.maxSeqLength = maxSeqLength;
            this.batchSize = batchSize;
        }

        @Override
        public int maxSeqLength() {
            return maxSeqLength;
        }

        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        public void close() {
        }
    }
}

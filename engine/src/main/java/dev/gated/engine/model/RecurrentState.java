package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import java.util.Arrays;

/** The h (and c) tensors behind a {@link SequenceModel.State}: the current state and the next one being written. */
final class RecurrentState implements AutoCloseable {
    /** One tensor [L*D, B, H] for the fused RNN; one [D, B, H] per layer when the layers run separately. */
    private Tensor[] h;
    private Tensor[] c;
    private Tensor[] hNext;
    private Tensor[] cNext;
    final int batch;

    /** Zeros for {@code batch} sequences, laid out for the fused RNN or, when {@code stack} is not null, per layer. */
    RecurrentState(Backend backend, RnnSpec spec, LayerStack stack, int batch) {
        this.batch = batch;
        int n = stack == null ? 1 : spec.numLayers();
        Shape shape = stack == null ? spec.stateShape(batch) : stack.layerSpec(0).stateShape(batch);
        boolean lstm = spec.cell() == CellType.LSTM;
        h = new Tensor[n];
        hNext = new Tensor[n];
        c = lstm ? new Tensor[n] : null;
        cNext = lstm ? new Tensor[n] : null;
        for (int k = 0; k < n; k++) {
            h[k] = backend.allocate(spec.dtype(), shape);
            hNext[k] = backend.allocate(spec.dtype(), shape);
            if (lstm) {
                c[k] = backend.allocate(spec.dtype(), shape);
                cNext[k] = backend.allocate(spec.dtype(), shape);
            }
        }
    }

    /** The state for the separate layers' forward. */
    LayerStack.States layers() {
        return new LayerStack.States(h, c, hNext, cNext);
    }

    /** The fused RNN call's tensors: x, y, and this state in and out. */
    RnnTensors fused(Tensor x, Tensor y) {
        return new RnnTensors(x, y, h[0], c == null ? null : c[0], hNext[0], cNext == null ? null : cNext[0]);
    }

    /** The current h tensors (one fused, or one per layer), then the current c tensors for LSTM. */
    Tensor[] current() {
        Tensor[] out = new Tensor[h.length * (c == null ? 1 : 2)];
        System.arraycopy(h, 0, out, 0, h.length);
        if (c != null) {
            System.arraycopy(c, 0, out, h.length, c.length);
        }
        return out;
    }

    /** The h tensors: 1 for the fused RNN, one per layer for separate layers. */
    int layerGroups() {
        return h.length;
    }

    /** Makes the state just written the current one. */
    void advance() {
        Tensor[] t = h;
        h = hNext;
        hNext = t;
        t = c;
        c = cNext;
        cNext = t;
    }

    @Override
    public void close() {
        for (Tensor[] ts : Arrays.asList(h, c, hNext, cNext)) {
            for (int k = 0; ts != null && k < ts.length; k++) {
                ts[k].close();
            }
        }
    }
}

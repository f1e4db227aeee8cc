package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.model.ForwardBackward.Pass;
import dev.gated.engine.rnn.RnnMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link SequenceModel} run over B parallel streams of one long sequence, with the recurrent state (h, and c for
 * LSTM, of every layer) carried from one call to the next: the stateful half of truncated backpropagation through
 * time ({@code training.tbptt}), as PyTorch's word_language_model or Keras' {@code stateful=True} do it.
 *
 * <p>Each call starts from the state the previous call ended with and leaves its own final state for the next one.
 * The carried state is a constant to the gradient: {@link #forwardBackward} differentiates the call's loss with
 * respect to the weights only (PyTorch's {@code hidden.detach()}), so gradients stop at the call's first step.
 * {@link #advance} moves the state on in inference mode (no gradient, no dropout): the first K1 - K2 steps of a
 * chunk. Every call goes through the backend's RNN ops with initial states ({@code rnnForward} with hx/cx), so
 * both backends run it unchanged.
 *
 * <p>A backward direction would need the steps after the chunk, which a carried state cannot give: a
 * bidirectional model is refused. Not thread-safe; the model must stay open while this is used.
 */
public final class StatefulStreams implements AutoCloseable {
    private final SequenceModel model;
    private final SequenceModel.State state;
    private final int streams;

    /** Zero state for {@code streams} sequences of {@code model}. */
    public StatefulStreams(SequenceModel model, int streams) {
        if (model.spec().bidirectional()) {
            throw new IllegalArgumentException("training.tbptt: truncated BPTT carries the state forward from one "
                    + "chunk to the next, and the backward direction of a bidirectional RNN would need the steps "
                    + "after the chunk; use model.bidirectional: false");
        }
        if (streams < 1) {
            throw new IllegalArgumentException("streams: expected >= 1, got " + streams);
        }
        this.model = model;
        this.streams = streams;
        this.state = model.newState(streams);
    }

    public int streams() {
        return streams;
    }

    /** Zeros: every stream starts over (at each epoch's start, and before each evaluation). */
    public void reset() {
        for (Tensor t : state.tensors.current()) {
            model.backend().fill(t, 0);
        }
    }

    /** Runs {@code batch} from the carried state in inference mode and carries its final state on. */
    public void advance(SequenceBatch batch) {
        check(batch);
        try (Pass p = model.passes().forward(batch, RnnMode.INFERENCE, state.tensors, -1, true)) {
            state.tensors.advance();
        }
    }

    /**
     * The loss over every step of {@code batch} from the carried state, and the gradients of every parameter
     * (overwritten, as {@link SequenceModel#forwardBackward(SequenceBatch, long)}) with that state held constant;
     * dropout masks keyed by {@code step}. Carries the final state on.
     */
    public double forwardBackward(SequenceBatch batch, long step) {
        check(batch);
        if (step < 0) {
            throw new IllegalArgumentException("step: expected >= 0, got " + step);
        }
        ForwardBackward passes = model.passes();
        try (Pass p = passes.forward(batch, RnnMode.TRAINING, state.tensors, step, false)) {
            double loss = model.headLoss().compute(model.backend(), model.objective(), p.buffers().pred, batch,
                    p.buffers().dPred);
            passes.backward(p, batch);
            state.tensors.advance();
            return loss;
        }
    }

    /** The loss and the head's outputs of {@code batch} from the carried state (inference); carries the state on. */
    public SequenceModel.Evaluation evaluate(SequenceBatch batch) {
        check(batch);
        try (Pass p = model.passes().forward(batch, RnnMode.INFERENCE, state.tensors, -1, false)) {
            double loss = model.headLoss().compute(model.backend(), model.objective(), p.buffers().pred, batch, null);
            SequenceModel.Evaluation e = new SequenceModel.Evaluation(loss,
                    model.backend().downloadFloat(p.buffers().pred), p.buffers().geometry.rows());
            state.tensors.advance();
            return e;
        }
    }

    /**
     * The carried state as host tensors named {@code h.<k>} (then {@code c.<k>} for LSTM), k over the fused RNN's
     * one tensor [L, B, H] or the separate layers' [1, B, H] each; float64 models keep float64 (a checkpoint's
     * float32 would round it).
     */
    public Map<String, HostTensor> export() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        Tensor[] ts = state.tensors.current();
        Backend backend = model.backend();
        for (int i = 0; i < ts.length; i++) {
            Tensor t = ts[i];
            out.put(name(i), t.dtype() == DType.FLOAT64 ? HostTensor.ofDoubles(t.shape(),
                    backend.download(t)) : HostTensor.ofFloats(t.shape(), backend.downloadFloat(t)));
        }
        return out;
    }

    /** Restores a state written by {@link #export}; {@code source} names where it came from in errors. */
    public void restore(Map<String, HostTensor> tensors, String source) {
        Tensor[] ts = state.tensors.current();
        for (int i = 0; i < ts.length; i++) {
            String name = name(i);
            HostTensor h = tensors.get(name);
            if (h == null || !h.shape().equals(ts[i].shape())) {
                throw new IllegalArgumentException(source + ": carried state '" + name + "' of training.tbptt: "
                        + "expected shape " + ts[i].shape() + ", found " + (h == null ? "no such tensor" : h.shape()));
            }
            try (Tensor up = model.backend().upload(h.toDoubleArray(), h.shape(), ts[i].dtype())) {
                model.backend().copy(up, ts[i]);
            }
        }
    }

    /** h.0 .. h.(n-1), then c.0 .. c.(n-1) for LSTM. */
    private String name(int i) {
        int n = state.tensors.layerGroups();
        return (i < n ? "h." : "c.") + (i % n);
    }

    private void check(SequenceBatch batch) {
        if (batch.batchSize() != streams) {
            throw new IllegalArgumentException("batch: expected one sequence per stream (" + streams + "), got "
                    + batch.batchSize());
        }
        for (int len : batch.lengths()) {
            if (len != batch.seqLength()) {
                throw new IllegalArgumentException("batch: every stream advances by the same steps ("
                        + batch.seqLength() + "), got a length " + len + "; a carried state needs no padding");
            }
        }
    }

    @Override
    public void close() {
        state.close();
    }
}

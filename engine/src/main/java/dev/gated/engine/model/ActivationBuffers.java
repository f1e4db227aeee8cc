package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link SequenceModel}'s activation buffers per batch geometry, reused while the geometry recurs. */
final class ActivationBuffers implements AutoCloseable {
    /** Training batches and an evaluation batch usually differ in size: both keep their buffers. */
    private static final int MAX_GEOMETRIES = 2;

    private final Backend backend;
    private final RnnSpec spec;
    private final RnnPlan plan;
    /** The layers as separate RNN calls, or null for the single fused call. */
    private final LayerStack stack;
    private final int outputSize;
    private final boolean outputDropout;
    /** The input BatchNorm, or null without one. */
    private final InputNorm inputNorm;
    /** Buffers per batch geometry, least recently used first; at most {@link #MAX_GEOMETRIES}. */
    private final Map<Geometry, Buffers> buffers = new LinkedHashMap<>(4, 0.75f, true);

    ActivationBuffers(Backend backend, RnnSpec spec, RnnPlan plan, LayerStack stack, int outputSize,
                      boolean outputDropout, InputNorm inputNorm) {
        this.inputNorm = inputNorm;
        this.backend = backend;
        this.spec = spec;
        this.plan = plan;
        this.stack = stack;
        this.outputSize = outputSize;
        this.outputDropout = outputDropout;
    }

    /** The buffers of {@code geometry}, made (and the least recently used dropped) when it is new. */
    Buffers get(Geometry geometry) {
        Buffers b = buffers.get(geometry);
        if (b == null) {
            if (buffers.size() >= MAX_GEOMETRIES) {
                Iterator<Buffers> eldest = buffers.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
            b = new Buffers(geometry);
            buffers.put(geometry, b);
        }
        return b;
    }

    @Override
    public void close() {
        buffers.values().forEach(Buffers::close);
        buffers.clear();
    }

    /** Steps, batch and rows the head reads (per direction). */
    record Geometry(int seqLength, int batch, int rows) {
    }

    /** Activations and their gradients for one batch geometry, reused across steps. */
    final class Buffers implements AutoCloseable {
        final Geometry geometry;
        /** The fused RNN's workspace, or the separate layers' buffers (the other one is null). */
        final RnnWorkspace workspace;
        final LayerStack.Buffers layers;
        /** The input norm's buffers, or null without one. */
        final InputNorm.Buffers inputNorm;
        final Tensor y;
        final Tensor dy;
        final Tensor dx;
        final Tensor readout;
        final Tensor dReadout;
        /** Output dropout: the readout after dropout, the readout gradient before it. */
        final Tensor readoutDropped;
        final Tensor dReadoutPre;
        final Tensor pred;
        final Tensor dPred;
        /** Views: y and dy as [T*B*D, H], readout and dReadout as [rows*D, H]. */
        final Tensor yRows;
        final Tensor dyRows;
        final Tensor readoutRows;
        final Tensor dReadoutRows;

        private Buffers(Geometry g) {
            int d = spec.directions();
            int h = spec.hiddenSize();
            this.geometry = g;
            this.workspace = stack == null ? plan.workspace(g.seqLength, g.batch) : null;
            this.layers = stack == null ? null : stack.buffers(g.seqLength, g.batch);
            this.inputNorm = ActivationBuffers.this.inputNorm == null ? null
                    : ActivationBuffers.this.inputNorm.buffers(g.seqLength, g.batch);
            this.y = backend.allocate(spec.dtype(), spec.outputShape(g.seqLength, g.batch));
            this.dy = backend.allocate(spec.dtype(), spec.outputShape(g.seqLength, g.batch));
            this.dx = backend.allocate(spec.dtype(), spec.inputShape(g.seqLength, g.batch));
            this.readout = backend.allocate(spec.dtype(), Shape.of(g.rows, d * h));
            this.dReadout = backend.allocate(spec.dtype(), Shape.of(g.rows, d * h));
            this.readoutDropped = outputDropout ? backend.allocate(spec.dtype(), Shape.of(g.rows, d * h)) : null;
            this.dReadoutPre = outputDropout ? backend.allocate(spec.dtype(), Shape.of(g.rows, d * h)) : null;
            this.pred = backend.allocate(spec.dtype(), Shape.of(g.rows, outputSize));
            this.dPred = backend.allocate(spec.dtype(), Shape.of(g.rows, outputSize));
            this.yRows = y.reshape(g.seqLength * g.batch * d, h);
            this.dyRows = dy.reshape(g.seqLength * g.batch * d, h);
            this.readoutRows = readout.reshape(g.rows * d, h);
            this.dReadoutRows = dReadout.reshape(g.rows * d, h);
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[] {y, dy, dx, readout, dReadout, readoutDropped, dReadoutPre, pred, dPred}) {
                if (t != null) {
                    t.close();
                }
            }
            if (workspace != null) {
                workspace.close();
            }
            if (layers != null) {
                layers.close();
            }
            if (inputNorm != null) {
                inputNorm.close();
            }
        }
    }
}

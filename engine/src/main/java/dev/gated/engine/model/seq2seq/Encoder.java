package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;

/**
 * The encoder's side of a pass: source embedding, the (bidirectional, multi-layer) RNN over the whole padded
 * batch in one backend call, its outputs rearranged batch-major for attention, the attention keys, and the
 * bridge from its final states to the decoder's initial states.
 */
final class Encoder {
    private final Seq2SeqModel m;

    Encoder(Seq2SeqModel model) {
        this.m = model;
    }

    /** One encoded batch. {@code enc} and {@code keys} are [B·S, H] batch-major; h0/c0 [L, B, H]. */
    static final class Pass {
        final int batch;
        final int steps;
        final int[] source;
        final int[] lengths;
        Tensor x;
        /** The seed of the input dropout applied to x, or null without. */
        Long dropoutSeed;
        Tensor y;
        Tensor hy;
        Tensor cy;
        RnnWorkspace ws;
        Tensor enc;
        Tensor keys;
        Tensor mask;
        Tensor h0;
        Tensor c0;

        Pass(int batch, int steps, int[] source, int[] lengths) {
            this.batch = batch;
            this.steps = steps;
            this.source = source;
            this.lengths = lengths;
        }
    }

    /**
     * Encodes {@code source} (time-major [S·B] ids, 0 past each length); with a {@code dropoutSeed} (training) the
     * embedded inputs get {@code model.dropout.input}.
     */
    Pass forward(Scope scope, int[] source, int[] lengths, int batch, int steps, RnnMode mode, Long dropoutSeed) {
        Backend be = m.backend();
        Seq2SeqSpec spec = m.spec();
        int h = spec.hidden();
        int hd = spec.encoderHidden();
        int dirs = spec.bidirectional() ? 2 : 1;
        int layers = spec.layers();
        boolean lstm = m.lstm();
        Pass p = new Pass(batch, steps, source, lengths);
        p.x = scope.zeros(steps, batch, spec.embeddingDim());
        be.gatherRows(m.param(m.gSourceEmbedding), validIds(source, lengths, batch),
                p.x.reshape(steps * batch, spec.embeddingDim()));
        if (dropoutSeed != null && spec.dropout().input() > 0) {
            Tensor dropped = scope.zeros(steps, batch, spec.embeddingDim());
            be.dropout(p.x, dropped, spec.dropout().input(), dropoutSeed, 0);
            p.x = dropped;
            p.dropoutSeed = dropoutSeed;
        }
        p.y = scope.zeros(steps, batch, h);
        p.hy = scope.zeros(layers * dirs, batch, hd);
        p.cy = lstm ? scope.zeros(layers * dirs, batch, hd) : null;
        p.ws = scope.own(m.encoderPlan().workspace(steps, batch));
        be.rnnForward(m.encoderPlan(), p.ws, mode, lengths, new RnnTensors(p.x, p.y, null, null, p.hy, p.cy),
                m.param(m.gEncoder));
        p.enc = scope.zeros(batch * steps, h);
        be.gatherRows(p.y.reshape(steps * batch, h), batchMajor(batch, steps), p.enc);
        if (spec.attention() != AttentionKind.NONE) {
            p.keys = scope.zeros(batch * steps, h);
            Linear.forward(be, p.enc, m.param(m.gKeys), p.keys, false);
            p.mask = scope.upload(AttentionMath.mask(lengths, steps), batch, steps);
        }
        p.h0 = scope.zeros(layers, batch, h);
        bridge(p.hy, p.h0, batch);
        if (lstm) {
            p.c0 = scope.zeros(layers, batch, h);
            bridge(p.cy, p.c0, batch);
        }
        return p;
    }

    /** Gradients from dEnc, dKeys [B·S, H] and dh0, dc0 [L, B, H] (dc0 null for a GRU); accumulates weights. */
    void backward(Scope scope, Pass p, Tensor dEnc, Tensor dKeys, Tensor dh0, Tensor dc0) {
        Backend be = m.backend();
        Seq2SeqSpec spec = m.spec();
        int h = spec.hidden();
        int b = p.batch;
        int s = p.steps;
        if (dKeys != null) {
            Linear.backward(be, p.enc, m.param(m.gKeys), dKeys, m.grad(m.gKeys), dEnc, true);
        }
        Tensor dy = scope.zeros(s, b, h);
        be.scatterAddRows(dEnc, batchMajor(b, s), dy.reshape(s * b, h));
        Tensor dhy = scope.zeros(p.hy.shape().dims());
        unbridge(dh0, dhy, b);
        Tensor dcy = null;
        if (dc0 != null) {
            dcy = scope.zeros(p.cy.shape().dims());
            unbridge(dc0, dcy, b);
        }
        Tensor dx = scope.zeros(s, b, spec.embeddingDim());
        RnnTensors io = new RnnTensors(p.x, p.y, null, null, p.hy, p.cy);
        be.rnnBackwardData(m.encoderPlan(), p.ws, p.lengths, io, new RnnGradients(dy, dhy, dcy, dx, null, null),
                m.param(m.gEncoder));
        be.rnnBackwardWeights(m.encoderPlan(), p.ws, p.lengths, io, m.grad(m.gEncoder));
        if (m.trainable(m.gSourceEmbedding)) {
            if (p.dropoutSeed != null) {
                Tensor undropped = scope.zeros(s, b, spec.embeddingDim());
                be.dropout(dx, undropped, spec.dropout().input(), p.dropoutSeed, 0);
                dx = undropped;
            }
            m.embeddingBackward(scope, dx.reshape(s * b, spec.embeddingDim()), p.source, p.lengths, b,
                    m.grad(m.gSourceEmbedding));
        }
    }

    /** The decoder's initial states from the encoder's final ones: per layer, the two directions joined. */
    private void bridge(Tensor finalStates, Tensor initial, int batch) {
        Backend be = m.backend();
        if (!m.spec().bidirectional()) {
            be.copy(finalStates, initial);
            return;
        }
        int hd = m.spec().encoderHidden();
        int rows = m.spec().layers() * 2 * batch;
        be.gatherRows(finalStates.reshape(rows, hd), bridgeRows(batch), initial.reshape(rows, hd));
    }

    private void unbridge(Tensor dInitial, Tensor dFinal, int batch) {
        Backend be = m.backend();
        if (!m.spec().bidirectional()) {
            be.copy(dInitial, dFinal);
            return;
        }
        int hd = m.spec().encoderHidden();
        int rows = m.spec().layers() * 2 * batch;
        be.scatterAddRows(dInitial.reshape(rows, hd), bridgeRows(batch), dFinal.reshape(rows, hd));
    }

    /** Row (l·B + b)·2 + d of the joined states comes from row (l·2 + d)·B + b of the final states. */
    private int[] bridgeRows(int batch) {
        int layers = m.spec().layers();
        int[] rows = new int[layers * batch * 2];
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < batch; b++) {
                for (int d = 0; d < 2; d++) {
                    rows[(l * batch + b) * 2 + d] = (l * 2 + d) * batch + b;
                }
            }
        }
        return rows;
    }

    /** Row b·S + s of the batch-major layout comes from row s·B + b of the time-major one. */
    static int[] batchMajor(int batch, int steps) {
        int[] rows = new int[batch * steps];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < steps; s++) {
                rows[b * steps + s] = s * batch + b;
            }
        }
        return rows;
    }

    /** Ids with <pad> past each length (the padding row is 0, so padded inputs are zero vectors). */
    static int[] validIds(int[] tokens, int[] lengths, int batch) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = i / batch < lengths[i % batch] ? tokens[i] : 0;
        }
        return ids;
    }
}

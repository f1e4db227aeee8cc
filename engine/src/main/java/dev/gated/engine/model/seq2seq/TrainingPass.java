package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.CounterRng;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One training (or loss-only) pass over a batch: the encoder in one RNN call, then the decoder one step at a time
 * (input feeding and scheduled sampling make step t depend on step t-1's output), the generator and the
 * cross-entropy over every real target token at once, and the backward pass in reverse step order.
 */
final class TrainingPass {
    /** What one decoder step keeps for the backward pass. */
    private static final class Step {
        int[] tokens;
        Tensor x;
        Tensor hx;
        Tensor cx;
        Tensor y;
        Tensor hy;
        Tensor cy;
        RnnWorkspace ws;
        Tensor q;
        AttentionMath.Additive additive;
        Tensor a;
        Tensor ctx;
        Tensor preOut;
        Tensor out;
    }

    private final Seq2SeqModel m;
    private final Backend be;
    private final Seq2SeqSpec spec;
    private final Scope scope;
    private final PairBatch batch;
    private final int b;
    private final int s;
    private final int h;
    private final int[] ones;
    private final int[] topRows;
    private final List<Step> steps = new ArrayList<>();
    private Encoder.Pass enc;
    private Tensor outputs;
    private int[] validRows;
    private Tensor compact;
    private Tensor dLogits;
    /** Dropout seeds of this pass (training only): decoder embeddings, generator inputs; null without. */
    private Long embeddingSeed;
    private Long outputSeed;

    TrainingPass(Seq2SeqModel model, Scope scope, PairBatch batch) {
        this.m = model;
        this.be = model.backend();
        this.spec = model.spec();
        this.scope = scope;
        this.batch = batch;
        this.b = batch.batchSize();
        this.s = batch.sourceSteps();
        this.h = spec.hidden();
        this.ones = new int[b];
        Arrays.fill(ones, 1);
        this.topRows = new int[b];
        for (int i = 0; i < b; i++) {
            topRows[i] = (spec.layers() - 1) * b + i;
        }
    }

    /**
     * The mean cross-entropy per target token. With probability {@code 1 - teacherForcing} a step reads the model's
     * own previous prediction (argmax) instead of the reference token, drawn from {@code samplingSeed}.
     */
    double forward(double teacherForcing, long samplingSeed, boolean withGradient) {
        AttentionKind kind = spec.attention();
        int t1 = batch.targetSteps();
        Long encoderSeed = null;
        if (withGradient && spec.dropout().input() > 0) {
            encoderSeed = CounterRng.mix(samplingSeed ^ 0xE0C0DE1L);
            embeddingSeed = CounterRng.mix(samplingSeed ^ 0xDEC0DE2L);
        }
        if (withGradient && spec.dropout().output() > 0) {
            outputSeed = CounterRng.mix(samplingSeed ^ 0x0DD0DE3L);
        }
        enc = new Encoder(m).forward(scope, batch.source(), batch.sourceLengths(), b, s, RnnMode.TRAINING,
                encoderSeed);
        outputs = scope.zeros(t1 * b, h);
        Tensor prevOut = kind == AttentionKind.LUONG ? scope.zeros(b, h) : null;
        Tensor hx = enc.h0;
        Tensor cx = enc.c0;
        SplittableRandom rnd = new SplittableRandom(samplingSeed);
        int[] tokens = Arrays.copyOfRange(batch.targetInput(), 0, b);
        int[] spread = AttentionMath.spread(b, s);
        for (int t = 0; t < t1; t++) {
            Step st = new Step();
            st.tokens = tokens;
            st.hx = hx;
            st.cx = cx;
            Tensor emb = scope.zeros(b, spec.embeddingDim());
            be.gatherRows(m.param(m.gTargetEmbedding), tokens, emb);
            if (embeddingSeed != null) {
                Tensor dropped = scope.zeros(b, spec.embeddingDim());
                be.dropout(emb, dropped, spec.dropout().input(), embeddingSeed, (long) t * b * spec.embeddingDim());
                emb = dropped;
            }
            if (kind == AttentionKind.BAHDANAU) {
                st.q = scope.zeros(b, h);
                be.gatherRows(hx.reshape(spec.layers() * b, h), topRows, st.q);
                st.additive = new AttentionMath.Additive(scope.zeros(b, h), scope.zeros(b * s, h),
                        scope.zeros(b * s, h), scope.zeros(b * s, 1));
                st.a = scope.zeros(b, s);
                AttentionMath.additiveWeights(be, st.q, m.param(m.gQuery), enc.keys, m.param(m.gEnergy), enc.mask,
                        spread, st.additive, st.a);
                st.ctx = scope.zeros(b, h);
                AttentionMath.context(be, st.a, enc.enc, st.ctx, b, s, h);
            }
            st.x = scope.zeros(1, b, spec.decoderInput());
            m.decoderInput(emb, kind == AttentionKind.LUONG ? prevOut : st.ctx, st.x.reshape(b, spec.decoderInput()));
            st.y = scope.zeros(1, b, h);
            st.hy = scope.zeros(spec.layers(), b, h);
            st.cy = m.lstm() ? scope.zeros(spec.layers(), b, h) : null;
            st.ws = m.decoderWorkspace(t, b);
            be.rnnForward(m.decoderPlan(), st.ws, RnnMode.TRAINING, ones,
                    new RnnTensors(st.x, st.y, st.hx, st.cx, st.hy, st.cy), m.param(m.gDecoder));
            Tensor top = st.y.reshape(b, h);
            if (kind == AttentionKind.LUONG) {
                st.a = scope.zeros(b, s);
                AttentionMath.luongWeights(be, top, enc.keys, enc.mask, st.a, b, s, h);
                st.ctx = scope.zeros(b, h);
                AttentionMath.context(be, st.a, enc.enc, st.ctx, b, s, h);
            }
            if (kind == AttentionKind.NONE) {
                st.out = top;
            } else {
                st.preOut = scope.zeros(b, h);
                st.out = scope.zeros(b, h);
                m.attentionalOutput(st.ctx, top, st.preOut, st.out);
            }
            be.scatterAddRows(st.out, stepRows(t), outputs);
            steps.add(st);
            hx = st.hy;
            cx = st.cy;
            prevOut = st.out;
            if (t + 1 < t1) {
                tokens = nextTokens(t + 1, st.out, teacherForcing, rnd);
            }
        }
        return loss(withGradient);
    }

    /** The reference tokens of step t, each replaced by the model's argmax with probability 1 - teacherForcing. */
    private int[] nextTokens(int t, Tensor out, double teacherForcing, SplittableRandom rnd) {
        int[] tokens = Arrays.copyOfRange(batch.targetInput(), t * b, (t + 1) * b);
        if (teacherForcing >= 1) {
            return tokens;
        }
        boolean[] sample = new boolean[b];
        boolean any = false;
        for (int i = 0; i < b; i++) {
            sample[i] = rnd.nextDouble() >= teacherForcing;
            any |= sample[i];
        }
        if (!any) {
            return tokens;
        }
        int[] predicted = m.argmax(out, b);
        for (int i = 0; i < b; i++) {
            if (sample[i]) {
                tokens[i] = predicted[i];
            }
        }
        return tokens;
    }

    private double loss(boolean withGradient) {
        int t1 = batch.targetSteps();
        int n = 0;
        int[] rows = new int[t1 * b];
        int[] labels = new int[t1 * b];
        for (int t = 0; t < t1; t++) {
            for (int i = 0; i < b; i++) {
                if (t < batch.targetLengths()[i]) {
                    rows[n] = t * b + i;
                    labels[n++] = batch.targetOutput()[t * b + i];
                }
            }
        }
        validRows = Arrays.copyOf(rows, n);
        compact = scope.zeros(n, h);
        be.gatherRows(outputs, validRows, compact);
        if (outputSeed != null) {
            Tensor dropped = scope.zeros(n, h);
            be.dropout(compact, dropped, spec.dropout().output(), outputSeed, 0);
            compact = dropped;
        }
        Tensor logits = scope.zeros(n, spec.targetVocab());
        m.generate(compact, logits);
        dLogits = withGradient ? scope.zeros(n, spec.targetVocab()) : null;
        return be.softmaxCrossEntropy(logits, Arrays.copyOf(labels, n), dLogits);
    }

    /** Accumulates every parameter's gradient of the loss {@link #forward} returned. */
    void backward() {
        AttentionKind kind = spec.attention();
        int t1 = batch.targetSteps();
        int din = spec.decoderInput();
        int layers = spec.layers();
        Tensor dCompact = scope.zeros(compact.shape().dims());
        Linear.backward(be, compact, m.param(m.gGeneratorWeight), dLogits, m.grad(m.gGeneratorWeight), dCompact,
                false);
        be.sumRows(dLogits, m.grad(m.gGeneratorBias), true);
        if (outputSeed != null) {
            Tensor undropped = scope.zeros(dCompact.shape().dims());
            be.dropout(dCompact, undropped, spec.dropout().output(), outputSeed, 0);
            dCompact = undropped;
        }
        Tensor dOutputs = scope.zeros(t1 * b, h);
        be.scatterAddRows(dCompact, validRows, dOutputs);
        Tensor dEnc = scope.zeros(b * s, h);
        Tensor dKeys = kind == AttentionKind.NONE ? null : scope.zeros(b * s, h);
        Tensor dh = scope.zeros(layers, b, h);
        Tensor dc = m.lstm() ? scope.zeros(layers, b, h) : null;
        Tensor dFeed = kind == AttentionKind.LUONG ? scope.zeros(b, h) : null;
        int[] spread = AttentionMath.spread(b, s);
        for (int t = t1 - 1; t >= 0; t--) {
            Step st = steps.get(t);
            Tensor top = st.y.reshape(b, h);
            Tensor dOut = scope.zeros(b, h);
            be.gatherRows(dOutputs, stepRows(t), dOut);
            if (dFeed != null) {
                be.axpby(1, dFeed, 1, dOut);
            }
            Tensor dy = scope.zeros(1, b, h);
            Tensor dCtx = null;
            if (kind == AttentionKind.NONE) {
                be.copy(dOut, dy);
            } else {
                dCtx = scope.zeros(b, h);
                m.attentionalOutputBackward(st.ctx, top, st.preOut, st.out, dOut, scope.zeros(b, h), dCtx,
                        dy.reshape(b, h));
            }
            if (kind == AttentionKind.LUONG) {
                Tensor da = scope.zeros(b, s);
                AttentionMath.contextBackward(be, st.a, enc.enc, dCtx, da, dEnc, b, s, h);
                AttentionMath.luongWeightsBackward(be, top, enc.keys, st.a, da, scope.zeros(b, s), dy.reshape(b, h),
                        dKeys, b, s, h);
            }
            Tensor dx = scope.zeros(1, b, din);
            Tensor dhx = scope.zeros(layers, b, h);
            Tensor dcx = m.lstm() ? scope.zeros(layers, b, h) : null;
            RnnTensors io = new RnnTensors(st.x, st.y, st.hx, st.cx, st.hy, st.cy);
            be.rnnBackwardData(m.decoderPlan(), st.ws, ones, io, new RnnGradients(dy, dh, dc, dx, dhx, dcx),
                    m.param(m.gDecoder));
            be.rnnBackwardWeights(m.decoderPlan(), st.ws, ones, io, m.grad(m.gDecoder));
            Tensor dEmb = scope.zeros(b, spec.embeddingDim());
            Tensor dSecond = kind == AttentionKind.LUONG ? dFeed : dCtx;
            m.decoderInputBackward(dx.reshape(b, din), dEmb, dSecond, kind == AttentionKind.BAHDANAU);
            if (kind == AttentionKind.BAHDANAU) {
                Tensor da = scope.zeros(b, s);
                AttentionMath.contextBackward(be, st.a, enc.enc, dCtx, da, dEnc, b, s, h);
                Tensor dq = scope.zeros(b, h);
                AttentionMath.additiveWeightsBackward(be, st.q, m.param(m.gQuery), m.param(m.gEnergy), spread,
                        st.additive, st.a, da, scope.zeros(b * s, 1), scope.zeros(b * s, h), scope.zeros(b * s, h),
                        scope.zeros(b, h), m.grad(m.gQuery), dKeys, m.grad(m.gEnergy), dq);
                be.scatterAddRows(dq, topRows, dhx.reshape(layers * b, h));
            }
            int[] valid = new int[b];
            for (int i = 0; i < b; i++) {
                valid[i] = t < batch.targetLengths()[i] ? 1 : 0;
            }
            if (embeddingSeed != null) {
                Tensor undropped = scope.zeros(b, spec.embeddingDim());
                be.dropout(dEmb, undropped, spec.dropout().input(), embeddingSeed, (long) t * b * spec.embeddingDim());
                dEmb = undropped;
            }
            m.embeddingBackward(scope, dEmb, st.tokens, valid, b, m.grad(m.gTargetEmbedding));
            dh = dhx;
            dc = dcx;
        }
        new Encoder(m).backward(scope, enc, dEnc, dKeys, dh, dc);
    }

    /** Rows t·B + b of step t in a [T·B, H] tensor. */
    private int[] stepRows(int t) {
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            rows[i] = t * b + i;
        }
        return rows;
    }

}

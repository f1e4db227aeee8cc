package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.decode.Step;
import dev.gated.engine.decode.StepScorer;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoding steps of a {@link Seq2SeqModel} over a batch of encoded source sentences, for
 * {@link dev.gated.engine.decode.BeamSearch} and {@link dev.gated.engine.decode.GreedyDecoder}: each hypothesis's
 * state lives on the host ({@link State}), so a search can keep, drop or copy hypotheses freely; a step gathers the
 * rows it needs, runs one decoder step on the backend for all of them together, and reads the new states back.
 */
public final class Seq2SeqScorer implements StepScorer<Seq2SeqScorer.State>, AutoCloseable {
    /**
     * One hypothesis's decoder state.
     *
     * @param sentence  index of its source sentence in the encoded batch
     * @param h         hidden state [L·H]
     * @param c         LSTM cell state [L·H], null for a GRU
     * @param feed      Luong's previous attentional state [H] (null otherwise)
     * @param attention the attention weights of the step that led here over the source positions, null at the start
     */
    public record State(int sentence, float[] h, float[] c, float[] feed, float[] attention) {}

    private final Seq2SeqModel m;
    private final Backend be;
    private final Seq2SeqSpec spec;
    private final Scope scope;
    private final Encoder.Pass enc;
    private final int[] lengths;
    private RnnWorkspace ws;
    private int wsCapacity;

    /** Encodes {@code sources} (token ids; an empty one reads as one {@code <pad>}) for decoding. */
    Seq2SeqScorer(Seq2SeqModel model, List<int[]> sources) {
        this.m = model;
        this.be = model.backend();
        this.spec = model.spec();
        this.scope = new Scope(be, spec.dtype());
        int b = sources.size();
        int s = 1;
        for (int[] src : sources) {
            s = Math.max(s, src.length);
        }
        int[] tokens = new int[s * b];
        lengths = new int[b];
        for (int i = 0; i < b; i++) {
            int[] src = sources.get(i);
            lengths[i] = Math.max(1, src.length);
            for (int t = 0; t < src.length; t++) {
                tokens[t * b + i] = src[t];
            }
        }
        try {
            enc = new Encoder(model).forward(scope, tokens, lengths, b, s, RnnMode.INFERENCE, null);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** The initial state of sentence {@code i}: the encoder's final states, joined per layer. */
    public State initial(int i) {
        int h = spec.hidden();
        int layers = spec.layers();
        int b = enc.batch;
        float[] h0 = rowsOf(be.downloadFloat(enc.h0), layers, b, i, h);
        float[] c0 = enc.c0 == null ? null : rowsOf(be.downloadFloat(enc.c0), layers, b, i, h);
        return new State(i, h0, c0, spec.attention() == AttentionKind.LUONG ? new float[h] : null, null);
    }

    /** Source positions (tokens, at least 1) of sentence {@code i}. */
    public int sourceLength(int i) {
        return lengths[i];
    }

    @Override
    public int vocabularySize() {
        return spec.targetVocab();
    }

    @Override
    public Step<State> step(List<State> states, int[] lastTokens) {
        int n = states.size();
        int h = spec.hidden();
        int layers = spec.layers();
        int s = enc.steps;
        AttentionKind kind = spec.attention();
        try (Scope step = new Scope(be, spec.dtype())) {
            int[] sentences = new int[n];
            for (int i = 0; i < n; i++) {
                sentences[i] = states.get(i).sentence();
            }
            Tensor hx = step.upload(stack(states, true), layers, n, h);
            Tensor cx = m.lstm() ? step.upload(stack(states, false), layers, n, h) : null;
            Tensor emb = step.zeros(n, spec.embeddingDim());
            be.gatherRows(m.param(m.gTargetEmbedding), lastTokens, emb);
            Tensor encN = null;
            Tensor keysN = null;
            Tensor maskN = null;
            Tensor a = null;
            Tensor ctx = null;
            if (kind != AttentionKind.NONE) {
                int[] rows = new int[n * s];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < s; j++) {
                        rows[i * s + j] = sentences[i] * s + j;
                    }
                }
                encN = step.zeros(n * s, h);
                be.gatherRows(enc.enc, rows, encN);
                keysN = step.zeros(n * s, h);
                be.gatherRows(enc.keys, rows, keysN);
                maskN = step.zeros(n, s);
                be.gatherRows(enc.mask, sentences, maskN);
                a = step.zeros(n, s);
                ctx = step.zeros(n, h);
            }
            if (kind == AttentionKind.BAHDANAU) {
                int[] top = new int[n];
                for (int i = 0; i < n; i++) {
                    top[i] = (layers - 1) * n + i;
                }
                Tensor q = step.zeros(n, h);
                be.gatherRows(hx.reshape(layers * n, h), top, q);
                AttentionMath.Additive t = new AttentionMath.Additive(step.zeros(n, h), step.zeros(n * s, h),
                        step.zeros(n * s, h), step.zeros(n * s, 1));
                AttentionMath.additiveWeights(be, q, m.param(m.gQuery), keysN, m.param(m.gEnergy), maskN,
                        AttentionMath.spread(n, s), t, a);
                AttentionMath.context(be, a, encN, ctx, n, s, h);
            }
            Tensor x = step.zeros(1, n, spec.decoderInput());
            Tensor feed = kind == AttentionKind.LUONG ? step.upload(feeds(states), n, h) : ctx;
            m.decoderInput(emb, feed, x.reshape(n, spec.decoderInput()));
            Tensor y = step.zeros(1, n, h);
            Tensor hy = step.zeros(layers, n, h);
            Tensor cy = m.lstm() ? step.zeros(layers, n, h) : null;
            int[] ones = new int[n];
            java.util.Arrays.fill(ones, 1);
            be.rnnForward(m.decoderPlan(), workspace(n), RnnMode.INFERENCE, ones,
                    new RnnTensors(x, y, hx, cx, hy, cy), m.param(m.gDecoder));
            Tensor top = y.reshape(n, h);
            Tensor out = top;
            if (kind == AttentionKind.LUONG) {
                AttentionMath.luongWeights(be, top, keysN, maskN, a, n, s, h);
                AttentionMath.context(be, a, encN, ctx, n, s, h);
            }
            if (kind != AttentionKind.NONE) {
                out = step.zeros(n, h);
                m.attentionalOutput(ctx, top, step.zeros(n, h), out);
            }
            Tensor logits = step.zeros(n, spec.targetVocab());
            m.generate(out, logits);
            return new Step<>(logSoftmax(be.downloadFloat(logits), n), nextStates(states, be.downloadFloat(hy),
                    cy == null ? null : be.downloadFloat(cy), kind == AttentionKind.LUONG ? be.downloadFloat(out)
                            : null, a == null ? null : be.downloadFloat(a)));
        }
    }

    private List<State> nextStates(List<State> states, float[] hy, float[] cy, float[] out, float[] a) {
        int n = states.size();
        int h = spec.hidden();
        int s = enc.steps;
        List<State> next = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int sentence = states.get(i).sentence();
            float[] feed = out == null ? null : java.util.Arrays.copyOfRange(out, i * h, (i + 1) * h);
            float[] att = a == null ? null : java.util.Arrays.copyOfRange(a, i * s, i * s + lengths[sentence]);
            next.add(new State(sentence, rowsOf(hy, spec.layers(), n, i, h),
                    cy == null ? null : rowsOf(cy, spec.layers(), n, i, h), feed, att));
        }
        return next;
    }

    /** [L, n, H] from the n states' [L·H] arrays. */
    private float[] stack(List<State> states, boolean hidden) {
        int n = states.size();
        int h = spec.hidden();
        int layers = spec.layers();
        float[] out = new float[layers * n * h];
        for (int i = 0; i < n; i++) {
            float[] v = hidden ? states.get(i).h() : states.get(i).c();
            for (int l = 0; l < layers; l++) {
                System.arraycopy(v, l * h, out, (l * n + i) * h, h);
            }
        }
        return out;
    }

    private float[] feeds(List<State> states) {
        int h = spec.hidden();
        float[] out = new float[states.size() * h];
        for (int i = 0; i < states.size(); i++) {
            System.arraycopy(states.get(i).feed(), 0, out, i * h, h);
        }
        return out;
    }

    /** Row i's [L·H] out of an [L, n, H] array. */
    private static float[] rowsOf(float[] all, int layers, int n, int i, int h) {
        float[] out = new float[layers * h];
        for (int l = 0; l < layers; l++) {
            System.arraycopy(all, (l * n + i) * h, out, l * h, h);
        }
        return out;
    }

    /** Natural-log softmax per row, in double precision. */
    private float[][] logSoftmax(float[] logits, int n) {
        int v = spec.targetVocab();
        float[][] out = new float[n][v];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, logits[i * v + k]);
            }
            double sum = 0;
            for (int k = 0; k < v; k++) {
                sum += Math.exp(logits[i * v + k] - max);
            }
            double log = max + Math.log(sum);
            for (int k = 0; k < v; k++) {
                out[i][k] = (float) (logits[i * v + k] - log);
            }
        }
        return out;
    }

    private RnnWorkspace workspace(int n) {
        if (ws == null || n > wsCapacity) {
            if (ws != null) {
                ws.close();
            }
            wsCapacity = Math.max(n, 8);
            ws = m.decoderPlan().workspace(1, wsCapacity);
        }
        return ws;
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.close();
        }
        scope.close();
    }
}

package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;

/**
 * The attention of one decoder step over B sentences of S encoder outputs of H features, batch-major
 * ({@code enc}, {@code keys}: [B·S, H]), from backend operations only: per-sentence products are
 * {@link Backend#batchedGemm}, the masked softmax {@link Backend#softmaxRows} (the mask holds 0 for real source
 * positions and -inf past a sentence's length). Training and decoding call the same code.
 */
final class AttentionMath {
    private AttentionMath() {
    }

    /** Luong "general": scores[b, s] = h[b] · keys[b, s] (keys = enc W_a^T), a = softmax(scores + mask). */
    static void luongWeights(Backend be, Tensor h, Tensor keys, Tensor mask, Tensor a, int b, int s, int hidden) {
        be.batchedGemm(false, true, 1, h.reshape(b, 1, hidden), keys.reshape(b, s, hidden), 0, a.reshape(b, 1, s));
        be.binary(BinaryOp.ADD, a, mask, a);
        be.softmaxRows(a, a);
    }

    /** dScores from da (in place of nothing: dScores is its own tensor); then dh += dScores keys, dKeys += dScores^T h. */
    static void luongWeightsBackward(Backend be, Tensor h, Tensor keys, Tensor a, Tensor da, Tensor dScores,
                                     Tensor dh, Tensor dKeys, int b, int s, int hidden) {
        be.softmaxRowsBackward(a, da, dScores);
        be.batchedGemm(false, false, 1, dScores.reshape(b, 1, s), keys.reshape(b, s, hidden), 1,
                dh.reshape(b, 1, hidden));
        be.batchedGemm(true, false, 1, dScores.reshape(b, 1, s), h.reshape(b, 1, hidden), 1,
                dKeys.reshape(b, s, hidden));
    }

    /** What the additive score keeps for its backward pass. */
    record Additive(Tensor qw, Tensor pre, Tensor tanh, Tensor energy) {}

    /**
     * Bahdanau: qw = q W_q^T, pre[b, s] = keys[b, s] + qw[b] (keys = enc W_k^T), energy = tanh(pre) v^T,
     * a = softmax(energy + mask). {@code spread} maps row b·S+s to b.
     */
    static void additiveWeights(Backend be, Tensor q, Tensor wq, Tensor keys, Tensor v, Tensor mask, int[] spread,
                                Additive t, Tensor a) {
        Linear.forward(be, q, wq, t.qw(), false);
        be.gatherRows(t.qw(), spread, t.pre());
        be.binary(BinaryOp.ADD, t.pre(), keys, t.pre());
        be.unary(UnaryOp.TANH, t.pre(), t.tanh());
        Linear.forward(be, t.tanh(), v, t.energy(), false);
        be.copy(t.energy(), a);
        be.binary(BinaryOp.ADD, a, mask, a);
        be.softmaxRows(a, a);
    }

    /**
     * From da: dv += dE^T tanh, dKeys += dPre, dW_q += dqw^T q, dq (+)= dqw W_q. {@code dEnergy} [B·S, 1],
     * {@code dTanh}, {@code dPre} [B·S, H] and {@code dqw} [B, H] are scratch.
     */
    static void additiveWeightsBackward(Backend be, Tensor q, Tensor wq, Tensor v, int[] spread, Additive t,
                                        Tensor a, Tensor da, Tensor dEnergy, Tensor dTanh, Tensor dPre, Tensor dqw,
                                        Tensor dWq, Tensor dKeys, Tensor dv, Tensor dq) {
        be.softmaxRowsBackward(a, da, dEnergy.reshape(a.shape()));
        Linear.backward(be, t.tanh(), v, dEnergy, dv, dTanh, false);
        be.unaryBackward(UnaryOp.TANH, t.pre(), t.tanh(), dTanh, dPre);
        be.axpby(1, dPre, 1, dKeys);
        be.fill(dqw, 0);
        be.scatterAddRows(dPre, spread, dqw);
        Linear.backward(be, q, wq, dqw, dWq, dq, true);
    }

    /** ctx[b] = sum over s of a[b, s] enc[b, s]. */
    static void context(Backend be, Tensor a, Tensor enc, Tensor ctx, int b, int s, int hidden) {
        be.batchedGemm(false, false, 1, a.reshape(b, 1, s), enc.reshape(b, s, hidden), 0, ctx.reshape(b, 1, hidden));
    }

    /** da = dctx enc^T per sentence; dEnc += a^T dctx. */
    static void contextBackward(Backend be, Tensor a, Tensor enc, Tensor dctx, Tensor da, Tensor dEnc, int b, int s,
                                int hidden) {
        be.batchedGemm(false, true, 1, dctx.reshape(b, 1, hidden), enc.reshape(b, s, hidden), 0, da.reshape(b, 1, s));
        be.batchedGemm(true, false, 1, a.reshape(b, 1, s), dctx.reshape(b, 1, hidden), 1, dEnc.reshape(b, s, hidden));
    }

    /** Row b·S+s → b: spreads one row per sentence over its S positions. */
    static int[] spread(int b, int s) {
        int[] rows = new int[b * s];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i / s;
        }
        return rows;
    }

    /** The additive mask [B, S] on the host: 0 before each sentence's length, -inf after. */
    static float[] mask(int[] lengths, int s) {
        float[] m = new float[lengths.length * s];
        for (int b = 0; b < lengths.length; b++) {
            for (int j = lengths[b]; j < s; j++) {
                m[b * s + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m;
    }
}

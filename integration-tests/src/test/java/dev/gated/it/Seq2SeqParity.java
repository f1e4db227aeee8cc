package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.data.parallel.EncodedPair;
import dev.gated.engine.data.parallel.PairBatch;
import dev.gated.engine.model.Dropout;
import dev.gated.engine.model.Optimizer;
import dev.gated.engine.model.seq2seq.AttentionKind;
import dev.gated.engine.model.seq2seq.Seq2SeqModel;
import dev.gated.engine.model.seq2seq.Seq2SeqSpec;
import dev.gated.engine.rnn.CellType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encoder–decoder on two backends from the same weights and batch: the loss, every parameter's gradient
 * (attention, bridge and both RNNs included) and the loss after a few Adam steps agree within float32 tolerance.
 */
abstract class Seq2SeqParity {
    protected abstract ParitySide reference();

    protected abstract ParitySide candidate();

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (AttentionKind attention : AttentionKind.values()) {
                out.add(Arguments.of(cell, attention));
            }
        }
        return out;
    }

    /** Six pairs of 1-9 source and 0-8 target tokens over vocabularies of 30 and 25. */
    static PairBatch batch(long seed) {
        Random rnd = new Random(seed);
        List<EncodedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int[] src = new int[1 + rnd.nextInt(9)];
            int[] tgt = new int[rnd.nextInt(9)];
            for (int k = 0; k < src.length; k++) {
                src[k] = 4 + rnd.nextInt(26);
            }
            for (int k = 0; k < tgt.length; k++) {
                tgt[k] = 4 + rnd.nextInt(21);
            }
            pairs.add(new EncodedPair(i + 1, "", "", src, tgt));
        }
        return PairBatch.of(pairs);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lossGradientsAndTrainingAgree(CellType cell, AttentionKind attention) {
        ParitySide a = reference();
        ParitySide b = candidate();
        try (Backend ba = a.factory().get(); Backend bb = b.factory().get();
             Seq2SeqModel ma = new Seq2SeqModel(ba, spec(cell, attention, a), 17);
             Seq2SeqModel mb = new Seq2SeqModel(bb, spec(cell, attention, b), 17)) {
            for (String name : ma.parameterNames()) {
                mb.writeParameter(name, ma.readParameter(name));
            }
            PairBatch batch = batch(3);
            double la = ma.forwardBackward(batch, 1.0, 9);
            double lb = mb.forwardBackward(batch, 1.0, 9);
            assertEquals(la, lb, 1e-5 * Math.abs(la), "loss " + a + " vs " + b);
            List<String> failures = new ArrayList<>();
            for (String name : ma.parameterNames()) {
                double[] ga = ma.readGradient(name);
                double[] gb = mb.readGradient(name);
                double scale = 1e-12;
                double err = 0;
                for (int i = 0; i < ga.length; i++) {
                    scale = Math.max(scale, Math.abs(ga[i]));
                    err = Math.max(err, Math.abs(ga[i] - gb[i]));
                }
                if (err > 1e-4 * scale + 1e-7) {
                    failures.add(name + ": max |diff| " + err + " against max |grad| " + scale);
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            try (Optimizer oa = new Optimizer(ma, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0));
                 Optimizer ob = new Optimizer(mb, Optimizer.Settings.adam(Optimizer.Kind.ADAM, 0.01, 0))) {
                for (int step = 0; step < 5; step++) {
                    PairBatch next = batch(10 + step);
                    ma.forwardBackward(next, 1.0, step);
                    mb.forwardBackward(next, 1.0, step);
                    oa.step();
                    ob.step();
                }
            }
            double after = ma.loss(batch);
            assertEquals(after, mb.loss(batch), 1e-4 * Math.abs(after), "loss after 5 Adam steps");
            assertTrue(after < la, "5 steps on similar batches lower the loss: " + la + " -> " + after);
        }
    }

    private static Seq2SeqSpec spec(CellType cell, AttentionKind attention, ParitySide side) {
        return new Seq2SeqSpec(cell, 30, 25, 12, 16, 2, true, attention, side.dtype(), false, Dropout.NONE);
    }
}

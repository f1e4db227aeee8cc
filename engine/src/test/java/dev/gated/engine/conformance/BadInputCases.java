package dev.gated.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.AdagradConfig;
import dev.gated.engine.backend.AdamConfig;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.RmspropConfig;
import dev.gated.engine.backend.SgdConfig;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.backend.UnaryOp;
import dev.gated.engine.rnn.CellType;
import dev.gated.engine.rnn.RnnGradients;
import dev.gated.engine.rnn.RnnMode;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import dev.gated.engine.rnn.RnnTensors;
import dev.gated.engine.rnn.RnnWorkspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The table of bad calls. Each must throw {@link IllegalArgumentException} whose message names the argument
 * (one of {@code names}, as a whole word) and contains every one of {@code values} (the expected and the
 * actual shape or value, as whole tokens), so a user can fix the call from the message alone.
 */
public final class BadInputCases {
    private BadInputCases() {
    }

    /** One row: a description, the accepted argument names, the values the message must show, the call. */
    public record BadInput(String name, List<String> names, Function<Ctx, List<String>> values,
                           ThrowingConsumer<Ctx> call) {
        @Override
        public String toString() {
            return name;
        }

        /** Runs the call and checks the exception and its message. */
        public void check(Ctx x) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.accept(x),
                    name + ": expected an IllegalArgumentException");
            String msg = e.getMessage();
            assertTrue(msg != null && !msg.isBlank(), name + ": the exception has no message");
            assertTrue(names.stream().anyMatch(n -> containsToken(msg, n)),
                    name + ": the message should name the argument (one of " + names + "), got: " + msg);
            for (String v : values.apply(x)) {
                assertTrue(containsToken(msg, v), name + ": the message should show '" + v + "', got: " + msg);
            }
        }
    }

    /** token occurs in msg, not glued to letters, digits, '_' or a decimal point on either side. */
    static boolean containsToken(String msg, String token) {
        return Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(token) + "(?![A-Za-z0-9_]|\\.\\d)")
                .matcher(msg).find();
    }

    private static BadInput bad(String name, List<String> names, List<String> values, ThrowingConsumer<Ctx> call) {
        return new BadInput(name, names, x -> values, call);
    }

    /** The dtype under test and the other one, which a wrong-dtype message must both show. */
    private static List<String> dtypes(Ctx x) {
        return List.of(x.dt.toString(), x.otherDType().toString());
    }

    public static List<BadInput> all() {
        List<BadInput> t = new ArrayList<>();
        ops(t);
        rnn(t);
        return t;
    }

    private static void ops(List<BadInput> t) {
        t.add(bad("upload: data length does not match the shape", List.of("data", "shape"), List.of("6", "5"),
                x -> x.keep(x.be.upload(new double[5], Shape.of(2, 3), x.dt))));
        t.add(bad("copy: element counts differ", List.of("src", "dst"), List.of("6", "7"),
                x -> x.be.copy(x.zeros(6), x.zeros(7))));
        t.add(bad("copy: dtypes differ", List.of("src", "dst"), List.of("float32", "float64"),
                x -> x.be.copy(x.zeros(6), x.zeros(x.otherDType(), 6))));
        t.add(bad("gemm: inner dimensions differ (op(a) [3, 7], op(b) [9, 5])", List.of("a", "b"), List.of("7", "9"),
                x -> x.be.gemm(false, false, 1, x.zeros(3, 7), x.zeros(9, 5), 0, x.zeros(3, 5))));
        t.add(bad("gemm: inner dimensions differ after transposition (op(a) [7, 3], op(b) [9, 5])", List.of("a", "b"),
                List.of("3", "9"), x -> x.be.gemm(true, false, 1, x.zeros(3, 7), x.zeros(9, 5), 0, x.zeros(7, 5))));
        t.add(bad("gemm: c has the wrong shape", List.of("c"), List.of("[3, 5]", "[3, 6]"),
                x -> x.be.gemm(false, false, 1, x.zeros(3, 7), x.zeros(7, 5), 0, x.zeros(3, 6))));
        t.add(bad("gemm: a is not 2-D", List.of("a"), List.of("[3, 7, 1]"),
                x -> x.be.gemm(false, false, 1, x.zeros(3, 7, 1), x.zeros(7, 5), 0, x.zeros(3, 5))));
        t.add(bad("gemm: dtypes differ", List.of("a", "b", "c"), List.of("float32", "float64"),
                x -> x.be.gemm(false, false, 1, x.zeros(3, 7), x.zeros(x.otherDType(), 7, 5), 0, x.zeros(3, 5))));
        t.add(bad("batchedGemm: a is not 3-D", List.of("a"), List.of("[3, 7]"),
                x -> x.be.batchedGemm(false, false, 1, x.zeros(3, 7), x.zeros(2, 7, 5), 0, x.zeros(2, 3, 5))));
        t.add(bad("batchedGemm: c is not 3-D", List.of("c"), List.of("[6, 5]"),
                x -> x.be.batchedGemm(false, false, 1, x.zeros(2, 3, 7), x.zeros(2, 7, 5), 0, x.zeros(6, 5))));
        t.add(bad("batchedGemm: batch sizes differ (a [2, 3, 7], b [4, 7, 5])", List.of("a", "b"),
                List.of("2", "4"),
                x -> x.be.batchedGemm(false, false, 1, x.zeros(2, 3, 7), x.zeros(4, 7, 5), 0, x.zeros(2, 3, 5))));
        t.add(bad("batchedGemm: inner dimensions differ (op(a[i]) [3, 7], op(b[i]) [9, 5])", List.of("a", "b"),
                List.of("7", "9"),
                x -> x.be.batchedGemm(false, false, 1, x.zeros(2, 3, 7), x.zeros(2, 9, 5), 0, x.zeros(2, 3, 5))));
        t.add(bad("batchedGemm: inner dimensions differ after transposition (op(a[i]) [7, 3], op(b[i]) [5, 9])",
                List.of("a", "b"), List.of("3", "5"),
                x -> x.be.batchedGemm(true, true, 1, x.zeros(2, 3, 7), x.zeros(2, 9, 5), 0, x.zeros(2, 7, 9))));
        t.add(bad("batchedGemm: c has the wrong shape", List.of("c"), List.of("[2, 3, 5]", "[2, 5, 3]"),
                x -> x.be.batchedGemm(false, false, 1, x.zeros(2, 3, 7), x.zeros(2, 7, 5), 0, x.zeros(2, 5, 3))));
        t.add(new BadInput("batchedGemm: dtypes differ", List.of("a", "b", "c"), BadInputCases::dtypes,
                x -> x.be.batchedGemm(false, false, 1, x.zeros(2, 3, 7), x.zeros(2, 7, 5), 0,
                        x.zeros(x.otherDType(), 2, 3, 5))));
        t.add(bad("softmaxRows: y has another shape", List.of("x", "y"), List.of("[3, 4]", "[4, 3]"),
                x -> x.be.softmaxRows(x.zeros(3, 4), x.zeros(4, 3))));
        t.add(new BadInput("softmaxRows: dtypes differ", List.of("x", "y"), BadInputCases::dtypes,
                x -> x.be.softmaxRows(x.zeros(3, 4), x.zeros(x.otherDType(), 3, 4))));
        t.add(bad("softmaxRows: a row of -inf only (row 1 of [3, 4])", List.of("x"), List.of("1", "[3, 4]"), x -> {
            double[] v = new double[12];
            Arrays.fill(v, 4, 8, Double.NEGATIVE_INFINITY);
            v[9] = Double.NEGATIVE_INFINITY;
            x.be.softmaxRows(x.up(v, 3, 4), x.zeros(3, 4));
        }));
        t.add(bad("softmaxRowsBackward: dy has another shape", List.of("y", "dy"), List.of("[3, 4]", "[3, 5]"),
                x -> x.be.softmaxRowsBackward(x.zeros(3, 4), x.zeros(3, 5), x.zeros(3, 4))));
        t.add(bad("softmaxRowsBackward: dx has another shape", List.of("y", "dx"), List.of("[3, 4]", "[12]"),
                x -> x.be.softmaxRowsBackward(x.zeros(3, 4), x.zeros(3, 4), x.zeros(12))));
        t.add(new BadInput("softmaxRowsBackward: dtypes differ", List.of("y", "dy", "dx"), BadInputCases::dtypes,
                x -> x.be.softmaxRowsBackward(x.zeros(3, 4), x.zeros(x.otherDType(), 3, 4), x.zeros(3, 4))));
        t.add(bad("axpby: dtypes differ", List.of("x", "y"), List.of("float32", "float64"),
                x -> x.be.axpby(1, x.zeros(4), 1, x.zeros(x.otherDType(), 4))));
        t.add(bad("axpby: shapes differ", List.of("x", "y"), List.of("[4, 5]", "[5, 4]"),
                x -> x.be.axpby(1, x.zeros(4, 5), 1, x.zeros(5, 4))));
        t.add(bad("unary: y has another shape", List.of("x", "y"), List.of("[4]", "[5]"),
                x -> x.be.unary(UnaryOp.TANH, x.zeros(4), x.zeros(5))));
        t.add(bad("unaryBackward: dy has another shape", List.of("dy"), List.of("[4]", "[5]"),
                x -> x.be.unaryBackward(UnaryOp.TANH, x.zeros(4), x.zeros(4), x.zeros(5), x.zeros(4))));
        t.add(bad("binary: b has another shape", List.of("a", "b"), List.of("[3, 4]", "[3, 5]"),
                x -> x.be.binary(BinaryOp.ADD, x.zeros(3, 4), x.zeros(3, 5), x.zeros(3, 4))));
        t.add(bad("binary: dtypes differ", List.of("a", "b", "out"), List.of("float32", "float64"),
                x -> x.be.binary(BinaryOp.ADD, x.zeros(3, 4), x.zeros(3, 4), x.zeros(x.otherDType(), 3, 4))));
        t.add(bad("addRowVector: v's length is not x's last axis", List.of("v"), List.of("5", "4"),
                x -> x.be.addRowVector(x.zeros(4, 5), x.zeros(4))));
        t.add(bad("sumRows: out's length is not x's last axis", List.of("out"), List.of("5", "4"),
                x -> x.be.sumRows(x.zeros(4, 5), x.zeros(4), false)));
        t.add(bad("gatherRows: row out of range", List.of("rows"), List.of("7", "5"),
                x -> x.be.gatherRows(x.zeros(5, 3), new int[] {1, 7}, x.zeros(2, 3))));
        t.add(bad("gatherRows: negative row", List.of("rows"), List.of("-1"),
                x -> x.be.gatherRows(x.zeros(5, 3), new int[] {-1, 0}, x.zeros(2, 3))));
        t.add(bad("gatherRows: dst has another row count", List.of("rows", "dst"), List.of("3", "2"),
                x -> x.be.gatherRows(x.zeros(5, 3), new int[] {0, 1, 2}, x.zeros(2, 3))));
        t.add(bad("scatterAddRows: row out of range", List.of("rows"), List.of("6", "5"),
                x -> x.be.scatterAddRows(x.zeros(2, 3), new int[] {2, 6}, x.zeros(5, 3))));
        t.add(bad("mseLoss: target has another shape", List.of("pred", "target"), List.of("[4, 3]", "[3, 4]"),
                x -> x.be.mseLoss(x.zeros(4, 3), x.zeros(3, 4), null)));
        t.add(bad("softmaxCrossEntropy: label = C", List.of("labels"), List.of("6"),
                x -> x.be.softmaxCrossEntropy(x.zeros(3, 6), new int[] {0, 6, 2}, null)));
        t.add(bad("softmaxCrossEntropy: negative label", List.of("labels"), List.of("-1"),
                x -> x.be.softmaxCrossEntropy(x.zeros(3, 6), new int[] {0, -1, 2}, null)));
        t.add(bad("softmaxCrossEntropy: one label per row", List.of("labels"), List.of("3", "2"),
                x -> x.be.softmaxCrossEntropy(x.zeros(3, 6), new int[] {0, 1}, null)));
        t.add(bad("softmaxCrossEntropy: dLogits has another shape", List.of("dLogits"), List.of("[3, 6]", "[6, 3]"),
                x -> x.be.softmaxCrossEntropy(x.zeros(3, 6), new int[] {0, 1, 2}, x.zeros(6, 3))));
        t.add(bad("dropout: p = 1", List.of("p"), List.of(),
                x -> x.be.dropout(x.zeros(4), x.zeros(4), 1.0, 1, 0)));
        t.add(bad("dropout: p < 0", List.of("p"), List.of("-0.1"),
                x -> x.be.dropout(x.zeros(4), x.zeros(4), -0.1, 1, 0)));
        t.add(bad("sgdStep: momentum > 0 without a momentum buffer", List.of("momentumBuffer"), List.of(),
                x -> x.be.sgdStep(x.zeros(4), x.zeros(4), null, new SgdConfig(0.1, 0.9, 0, 0, false), 1)));
        t.add(bad("sgdStep: grad has another shape", List.of("grad"), List.of("[4]", "[5]"),
                x -> x.be.sgdStep(x.zeros(4), x.zeros(5), null, SgdConfig.plain(0.1), 1)));
        t.add(bad("sgdStep: step 0 (steps count from 1)", List.of("step"), List.of("0"),
                x -> x.be.sgdStep(x.zeros(4), x.zeros(4), x.zeros(4), new SgdConfig(0.1, 0.9, 0, 0, false), 0)));
        t.add(bad("adamStep: m has another shape", List.of("m"), List.of("[4]", "[3]"),
                x -> x.be.adamStep(x.zeros(4), x.zeros(4), x.zeros(3), x.zeros(4), AdamConfig.defaults(0.1), 1)));
        t.add(bad("adamStep: step 0 (steps count from 1)", List.of("step"), List.of("0"),
                x -> x.be.adamStep(x.zeros(4), x.zeros(4), x.zeros(4), x.zeros(4), AdamConfig.defaults(0.1), 0)));
        t.add(bad("rmspropStep: squareAvg has another shape", List.of("squareAvg"), List.of("[4]", "[3]"),
                x -> x.be.rmspropStep(x.zeros(4), x.zeros(4), x.zeros(3), null, null, RmspropConfig.defaults(0.1), 1)));
        t.add(bad("rmspropStep: momentum > 0 without a momentum buffer", List.of("momentumBuffer"), List.of(),
                x -> x.be.rmspropStep(x.zeros(4), x.zeros(4), x.zeros(4), null, null,
                        new RmspropConfig(0.1, 0.99, 1e-8, 0, 0.9, false), 1)));
        t.add(bad("rmspropStep: centered without gradAvg", List.of("gradAvg"), List.of(),
                x -> x.be.rmspropStep(x.zeros(4), x.zeros(4), x.zeros(4), null, null,
                        new RmspropConfig(0.1, 0.99, 1e-8, 0, 0, true), 1)));
        t.add(bad("rmspropStep: gradAvg has another shape", List.of("gradAvg"), List.of("[4]", "[5]"),
                x -> x.be.rmspropStep(x.zeros(4), x.zeros(4), x.zeros(4), null, x.zeros(5),
                        new RmspropConfig(0.1, 0.99, 1e-8, 0, 0, true), 1)));
        t.add(bad("rmspropStep: step 0 (steps count from 1)", List.of("step"), List.of("0"),
                x -> x.be.rmspropStep(x.zeros(4), x.zeros(4), x.zeros(4), null, null, RmspropConfig.defaults(0.1), 0)));
        t.add(bad("adagradStep: stateSum has another shape", List.of("stateSum"), List.of("[4]", "[2]"),
                x -> x.be.adagradStep(x.zeros(4), x.zeros(4), x.zeros(2), AdagradConfig.defaults(0.1), 1)));
        t.add(bad("adagradStep: grad has another shape", List.of("grad"), List.of("[4]", "[6]"),
                x -> x.be.adagradStep(x.zeros(4), x.zeros(6), x.zeros(4), AdagradConfig.defaults(0.1), 1)));
        t.add(bad("adagradStep: step 0 (steps count from 1)", List.of("step"), List.of("0"),
                x -> x.be.adagradStep(x.zeros(4), x.zeros(4), x.zeros(4), AdagradConfig.defaults(0.1), 0)));
    }

    // ---- RNN ----

    /**
     * A valid call: a 2-layer bidirectional LSTM or GRU, I=3, H=5 (so G*H = 20 or 15, D*H = 10), T=4, B=3,
     * lengths {4, 1, 3}, with every optional tensor. Each bad case breaks one thing of it.
     */
    static final class Rnn {
        static final int T = 4;
        static final int B = 3;
        final Ctx x;
        final RnnSpec spec;
        final RnnPlan plan;
        final RnnWorkspace ws;
        final Tensor w;
        final Tensor in;
        final Tensor y;
        final Tensor hx;
        final Tensor cx;
        final Tensor hy;
        final Tensor cy;
        final int[] lengths = {4, 1, 3};

        Rnn(Ctx x, CellType cell) {
            this.x = x;
            spec = new RnnSpec(cell, 3, 5, 2, true, x.dt);
            plan = x.keep(x.be.rnnPlan(spec));
            ws = x.keep(plan.workspace(T, B));
            w = x.zeros(plan.weightSpaceSize());
            in = x.zeros(T, B, 3);
            y = x.zeros(T, B, 10);
            hx = x.zeros(4, B, 5);
            hy = x.zeros(4, B, 5);
            cx = cell == CellType.LSTM ? x.zeros(4, B, 5) : null;
            cy = cell == CellType.LSTM ? x.zeros(4, B, 5) : null;
        }

        RnnTensors io() {
            return new RnnTensors(in, y, hx, cx, hy, cy);
        }

        void forward(RnnTensors io) {
            forward(io, lengths);
        }

        void forward(RnnTensors io, int[] seqLengths) {
            x.be.rnnForward(plan, ws, RnnMode.TRAINING, seqLengths, io, w);
        }

        /** A valid training forward, then backward-data with these gradients. */
        void backwardData(RnnGradients g) {
            forward(io());
            x.be.rnnBackwardData(plan, ws, lengths, io(), g, w);
        }

        RnnGradients grads() {
            return new RnnGradients(x.zeros(T, B, 10), x.zeros(4, B, 5), cx == null ? null : x.zeros(4, B, 5),
                    x.zeros(T, B, 3), x.zeros(4, B, 5), cx == null ? null : x.zeros(4, B, 5));
        }
    }

    private static BadInput rnnBad(String name, CellType cell, List<String> names, List<String> values,
                                   ThrowingConsumer<Rnn> call) {
        return bad(cell + ": " + name, names, values, x -> call.accept(new Rnn(x, cell)));
    }

    private static BadInput rnnBad(String name, CellType cell, List<String> names, Function<Ctx, List<String>> values,
                                   ThrowingConsumer<Rnn> call) {
        return new BadInput(cell + ": " + name, names, values, x -> call.accept(new Rnn(x, cell)));
    }

    /** "[n]" and "[n + delta]" for the flat weight buffer of {@link Rnn}'s plan: expected and actual shape. */
    private static List<String> sizes(Ctx x, CellType cell, int delta) {
        int n = x.keep(x.be.rnnPlan(new RnnSpec(cell, 3, 5, 2, true, x.dt))).weightSpaceSize();
        return List.of("[" + n + "]", "[" + (n + delta) + "]");
    }

    private static void rnn(List<BadInput> t) {
        for (CellType cell : CellType.values()) {
            t.add(rnnBad("y of another shape", cell, List.of("y"), List.of("[4, 3, 10]", "[4, 3, 5]"),
                    r -> r.forward(new RnnTensors(r.in, r.x.zeros(4, 3, 5), r.hx, r.cx, r.hy, r.cy))));
            t.add(rnnBad("x with the wrong input size", cell, List.of("x"), List.of("[4, 3, 3]", "[4, 3, 2]"),
                    r -> r.forward(new RnnTensors(r.x.zeros(4, 3, 2), r.y, r.hx, r.cx, r.hy, r.cy))));
            t.add(rnnBad("x not 3-D", cell, List.of("x"), List.of("[12, 3]"),
                    r -> r.forward(new RnnTensors(r.x.zeros(12, 3), r.y, r.hx, r.cx, r.hy, r.cy))));
            t.add(rnnBad("hx of another shape", cell, List.of("hx"), List.of("[4, 3, 5]", "[2, 3, 5]"),
                    r -> r.forward(new RnnTensors(r.in, r.y, r.x.zeros(2, 3, 5), r.cx, r.hy, r.cy))));
            t.add(rnnBad("hy of another shape", cell, List.of("hy"), List.of("[4, 3, 5]", "[4, 3, 6]"),
                    r -> r.forward(new RnnTensors(r.in, r.y, r.hx, r.cx, r.x.zeros(4, 3, 6), r.cy))));
            t.add(rnnBad("seqLengths with a 0", cell, List.of("seqLengths"), List.of("0", "4"),
                    r -> r.forward(r.io(), new int[] {4, 0, 3})));
            t.add(rnnBad("seqLengths with T + 1", cell, List.of("seqLengths"), List.of("5", "4"),
                    r -> r.forward(r.io(), new int[] {4, 5, 3})));
            t.add(rnnBad("seqLengths of the wrong count", cell, List.of("seqLengths"), List.of("3", "2"),
                    r -> r.forward(r.io(), new int[] {4, 1})));
            t.add(rnnBad("seqLengths null", cell, List.of("seqLengths"), List.of(),
                    r -> r.forward(r.io(), null)));
            t.add(rnnBad("weights buffer of the wrong size", cell, List.of("weights"), x -> sizes(x, cell, 1),
                    r -> r.x.be.rnnForward(r.plan, r.ws, RnnMode.TRAINING, r.lengths, r.io(),
                            r.x.zeros(r.plan.weightSpaceSize() + 1))));
            t.add(rnnBad("workspace for a shorter T", cell, List.of("workspace"), List.of("3", "4"),
                    r -> r.x.be.rnnForward(r.plan, r.x.keep(r.plan.workspace(3, 3)), RnnMode.TRAINING, r.lengths,
                            r.io(), r.w)));
            t.add(rnnBad("workspace for a smaller batch", cell, List.of("workspace"), List.of("2", "3"),
                    r -> r.x.be.rnnForward(r.plan, r.x.keep(r.plan.workspace(4, 2)), RnnMode.TRAINING, r.lengths,
                            r.io(), r.w)));
            t.add(rnnBad("writeParameter with an unknown name", cell, List.of("weight_ih_l2"), List.of("weight_ih_l0"),
                    r -> r.plan.writeParameter(r.w, "weight_ih_l2", r.x.zeros(cell.gates() * 5, 10))));
            t.add(rnnBad("writeParameter with a transposed shape", cell, List.of("weight_hh_l0", "value"),
                    List.of("[" + cell.gates() * 5 + ", 5]", "[5, " + cell.gates() * 5 + "]"),
                    r -> r.plan.writeParameter(r.w, "weight_hh_l0", r.x.zeros(5, cell.gates() * 5))));
            t.add(rnnBad("writeParameter from a unidirectional plan's parameter set (weight_ih_l1 [G*H, H])", cell,
                    List.of("weight_ih_l1", "value"),
                    List.of("[" + cell.gates() * 5 + ", 10]", "[" + cell.gates() * 5 + ", 5]"),
                    r -> r.plan.writeParameter(r.w, "weight_ih_l1", r.x.zeros(cell.gates() * 5, 5))));
            t.add(rnnBad("writeParameter into a weight buffer of the wrong size", cell, List.of("weightSpace", "weights"),
                    x -> sizes(x, cell, -1), r -> r.plan.writeParameter(r.x.zeros(r.plan.weightSpaceSize() - 1), "bias_ih_l0",
                            r.x.zeros(cell.gates() * 5))));
            t.add(rnnBad("readParameter into a tensor of another shape", cell, List.of("bias_hh_l1_reverse", "out"),
                    List.of("[" + cell.gates() * 5 + "]", "[5]"),
                    r -> r.plan.readParameter(r.w, "bias_hh_l1_reverse", r.x.zeros(5))));
            t.add(rnnBad("backward-data with dy of another shape", cell, List.of("dy"), List.of("[4, 3, 10]", "[4, 3, 5]"),
                    r -> {
                        RnnGradients g = r.grads();
                        r.backwardData(new RnnGradients(r.x.zeros(4, 3, 5), g.dhy(), g.dcy(), g.dx(), g.dhx(), g.dcx()));
                    }));
            t.add(rnnBad("backward-data with dx of another shape", cell, List.of("dx"), List.of("[4, 3, 3]", "[4, 2, 3]"),
                    r -> {
                        RnnGradients g = r.grads();
                        r.backwardData(new RnnGradients(g.dy(), g.dhy(), g.dcy(), r.x.zeros(4, 2, 3), g.dhx(), g.dcx()));
                    }));
            t.add(rnnBad("backward-data with dhx of another shape", cell, List.of("dhx"), List.of("[4, 3, 5]", "[4, 3, 1]"),
                    r -> {
                        RnnGradients g = r.grads();
                        r.backwardData(new RnnGradients(g.dy(), g.dhy(), g.dcy(), g.dx(), r.x.zeros(4, 3, 1), g.dcx()));
                    }));
            t.add(rnnBad("backward-weights into a buffer of the wrong size", cell, List.of("dWeights"),
                    x -> sizes(x, cell, 3), r -> {
                        r.backwardData(r.grads());
                        r.x.be.rnnBackwardWeights(r.plan, r.ws, r.lengths, r.io(), r.x.zeros(r.plan.weightSpaceSize() + 3));
                    }));
            t.add(new BadInput(cell + ": x of the other dtype", List.of("x"), BadInputCases::dtypes, x -> {
                Rnn r = new Rnn(x, cell);
                r.forward(new RnnTensors(x.zeros(x.otherDType(), 4, 3, 3), r.y, r.hx, r.cx, r.hy, r.cy));
            }));
            t.add(new BadInput(cell + ": weights of the other dtype", List.of("weights"), BadInputCases::dtypes, x -> {
                Rnn r = new Rnn(x, cell);
                x.be.rnnForward(r.plan, r.ws, RnnMode.TRAINING, r.lengths, r.io(),
                        x.zeros(x.otherDType(), r.plan.weightSpaceSize()));
            }));
        }
        t.add(rnnBad("cx of another shape", CellType.LSTM, List.of("cx"), List.of("[4, 3, 5]", "[4, 3, 6]"),
                r -> r.forward(new RnnTensors(r.in, r.y, r.hx, r.x.zeros(4, 3, 6), r.hy, r.cy))));
        t.add(rnnBad("cx passed to a GRU", CellType.GRU, List.of("cx"), List.of("gru"),
                r -> r.forward(new RnnTensors(r.in, r.y, r.hx, r.x.zeros(4, 3, 5), r.hy, null))));
        t.add(rnnBad("cy passed to a GRU", CellType.GRU, List.of("cy"), List.of("gru"),
                r -> r.forward(new RnnTensors(r.in, r.y, r.hx, null, r.hy, r.x.zeros(4, 3, 5)))));
        t.add(rnnBad("dcx passed to a GRU", CellType.GRU, List.of("dcx"), List.of("gru"), r -> {
            RnnGradients g = r.grads();
            r.backwardData(new RnnGradients(g.dy(), g.dhy(), null, g.dx(), g.dhx(), r.x.zeros(4, 3, 5)));
        }));
    }
}

package dev.gated.engine.rnn;

import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;

/** Validates RNN calls identically for every backend; returns the batch geometry on success. */
public final class RnnChecks {
    private RnnChecks() {
    }

    /** Sequence length T and batch size B of a validated call. */
    public record Geometry(int seqLength, int batch) {
    }

    public static Geometry forward(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, Tensor weights) {
        return call(plan, ws, seqLengths, io, "weights", weights);
    }

    /** The checks every RNN call shares; {@code weightsName} names the flat buffer in messages. */
    private static Geometry call(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io, String weightsName,
                                 Tensor weights) {
        RnnSpec spec = plan.spec();
        Checks.rank("x", io.x(), 3);
        int t = io.x().shape().dim(0);
        int b = io.x().shape().dim(1);
        Geometry g = new Geometry(t, b);
        tensor("x", io.x(), spec.inputShape(t, b), spec);
        tensor("y", io.y(), spec.outputShape(t, b), spec);
        optional("hx", io.hx(), spec.stateShape(b), spec);
        optional("hy", io.hy(), spec.stateShape(b), spec);
        cellState("cx", io.cx(), spec, b);
        cellState("cy", io.cy(), spec, b);
        lengths(seqLengths, t, b);
        weights(weightsName, weights, plan);
        workspace(ws, g);
        return g;
    }

    public static Geometry backwardData(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                        RnnGradients grads, Tensor weights) {
        Geometry g = forward(plan, ws, seqLengths, io, weights);
        RnnSpec spec = plan.spec();
        tensor("dy", grads.dy(), spec.outputShape(g.seqLength(), g.batch()), spec);
        tensor("dx", grads.dx(), spec.inputShape(g.seqLength(), g.batch()), spec);
        optional("dhy", grads.dhy(), spec.stateShape(g.batch()), spec);
        optional("dhx", grads.dhx(), spec.stateShape(g.batch()), spec);
        cellState("dcy", grads.dcy(), spec, g.batch());
        cellState("dcx", grads.dcx(), spec, g.batch());
        return g;
    }

    public static Geometry backwardWeights(RnnPlan plan, RnnWorkspace ws, int[] seqLengths, RnnTensors io,
                                           Tensor dWeights) {
        return call(plan, ws, seqLengths, io, "dWeights", dWeights);
    }

    private static void tensor(String name, Tensor t, Shape expected, RnnSpec spec) {
        Checks.shape(name, t, expected);
        Checks.dtype(name, t, spec.dtype());
    }

    private static void optional(String name, Tensor t, Shape expected, RnnSpec spec) {
        if (t != null) {
            tensor(name, t, expected, spec);
        }
    }

    private static void cellState(String name, Tensor t, RnnSpec spec, int batch) {
        if (t != null && !spec.cell().hasCellState()) {
            throw new IllegalArgumentException(name + ": a " + spec.cell() + " has no cell state; pass null");
        }
        optional(name, t, spec.stateShape(batch), spec);
    }

    private static void weights(String name, Tensor w, RnnPlan plan) {
        Checks.present(name, w);
        if (w.shape().rank() != 1 || w.shape().dim(0) != plan.weightSpaceSize()) {
            throw new IllegalArgumentException(name + ": expected the plan's flat weight buffer of shape ["
                    + plan.weightSpaceSize() + "] for " + plan.spec() + ", got " + w.shape());
        }
        Checks.dtype(name, w, plan.spec().dtype());
    }

    public static void lengths(int[] seqLengths, int t, int b) {
        if (seqLengths == null) {
            throw new IllegalArgumentException("seqLengths: required, one length per sequence (" + b + ")");
        }
        if (seqLengths.length != b) {
            throw new IllegalArgumentException("seqLengths: expected " + b + " lengths (the batch size), got "
                    + seqLengths.length);
        }
        for (int i = 0; i < b; i++) {
            if (seqLengths[i] < 1 || seqLengths[i] > t) {
                throw new IllegalArgumentException("seqLengths[" + i + "]: expected a length in [1, " + t
                        + "] (T = x.shape[0]), got " + seqLengths[i]);
            }
        }
    }

    private static void workspace(RnnWorkspace ws, Geometry g) {
        if (ws == null) {
            throw new IllegalArgumentException("workspace: required; get one from plan.workspace(maxSeqLength, batchSize)");
        }
        if (g.seqLength() > ws.maxSeqLength() || g.batch() > ws.batchSize()) {
            throw new IllegalArgumentException("workspace: sized for T <= " + ws.maxSeqLength() + ", B <= "
                    + ws.batchSize() + ", but the call has T = " + g.seqLength() + ", B = " + g.batch());
        }
    }

    public static void parameter(RnnSpec spec, String name, Tensor t) {
        RnnParam p = spec.parameter(name);
        Checks.shape(name, t, p.shape());
        Checks.dtype(name, t, spec.dtype());
    }

    /** All-T lengths, the common case of unpadded batches. */
    public static int[] full(int seqLength, int batch) {
        int[] l = new int[batch];
        java.util.Arrays.fill(l, seqLength);
        return l;
    }
}

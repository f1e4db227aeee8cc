package dev.gated.engine.conformance;

import static dev.gated.engine.conformance.Ctx.assertExact;
import static dev.gated.engine.conformance.Ctx.assertGradient;
import static dev.gated.engine.conformance.Ctx.assertMaxNorm;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.rnn.RnnMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * The backend conformance suite, in the style of ggml's test-backend-ops: tables of cases ({@link OpCases},
 * {@link RnnCase#table()}, {@link BadInputCases}) run against a backend and compared with plain float64
 * references ({@link ReferenceOps}, {@link ReferenceRnn}) and, for gradients, with central finite differences
 * of the reference ({@link FiniteDifferences}).
 *
 * <p>A backend runs it by subclassing, once per dtype it supports:
 * <pre>
 * class CpuBackendConformanceTest extends BackendConformance {
 *     protected Backend backend() { return new CpuBackend(2); }
 * }
 * class CpuBackendFloat32ConformanceTest extends BackendConformance {
 *     protected Backend backend() { return new CpuBackend(2); }
 *     protected DType dtype() { return DType.FLOAT32; }
 * }
 * </pre>
 * {@link #backend()} is a factory: the suite calls it once per test class and closes the backend after the
 * last test. Tolerances per op and dtype are in {@link Tolerances}; a backend may override {@link #tolerances()}
 * but should say why.
 *
 * <p>What the suite asks beyond "same numbers as the reference" (a GPU backend must arrange some of it
 * itself, cuDNN does not do all of it by default):
 * <ul>
 *   <li>every output tensor is pre-filled with NaN and must be overwritten completely: y is exactly 0 past each
 *       sequence's length, and so is dx (the true gradient there), whatever the buffers held before;</li>
 *   <li>dy past a sequence's length is ignored (the suite passes random values there);</li>
 *   <li>dhx/dcx may be requested with hx/cx null (the gradient at the zero initial state);</li>
 *   <li>backward-weights adds into dWeights; results are independent of the other sequences in the batch
 *       (lengths unsorted) and bit-identical when run twice;</li>
 *   <li>bad calls throw IllegalArgumentException naming the argument and showing expected and actual.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformance {
    private Backend backend;

    /** Creates the backend under test; called once per test class, closed after its last test. */
    protected abstract Backend backend();

    /** The dtype under test. */
    protected DType dtype() {
        return DType.FLOAT64;
    }

    protected Tolerances tolerances() {
        return Tolerances.forDType(dtype());
    }

    /** The backend under test (created by {@link #backend()} before the first test). */
    protected final Backend be() {
        return backend;
    }

    @BeforeAll
    final void openBackend() {
        backend = backend();
    }

    @AfterAll
    final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    private Ctx ctx(String caseName) {
        return new Ctx(backend, dtype(), tolerances(), caseName.hashCode());
    }

    /** Runs a case in a fresh context and closes what it made. */
    private DynamicTest test(String name, Function<Ctx, Executable> body) {
        return DynamicTest.dynamicTest(name, () -> {
            Ctx x = ctx(name);
            try {
                body.apply(x).execute();
            } catch (AssertionError e) {
                // Surefire's plain report shows only "rnnGradients()[7]": put the case in the message.
                throw new AssertionFailedError("[" + backend.name() + " " + dtype() + "] " + name + ": "
                        + e.getMessage(), e);
            } finally {
                x.closeAll();
            }
        });
    }

    // ---- non-RNN ops ----

    @TestFactory
    Stream<DynamicTest> ops() {
        return OpCases.all().stream().map(c -> test(c.name(), x -> () -> c.check().accept(x)));
    }

    // ---- bad input ----

    @TestFactory
    Stream<DynamicTest> badInput() {
        return BadInputCases.all().stream().map(c -> test(c.name(), x -> () -> c.check(x)));
    }

    // ---- RNN ----

    /** y, hy, cy against the reference; y past each sequence's length exactly 0. */
    @TestFactory
    Stream<DynamicTest> rnnForward() {
        return RnnCase.table().stream().map(c -> test(c.name(), x -> () -> {
            RnnCase.Data d = c.data();
            ReferenceRnn.Output ref = c.reference(d);
            RnnHarness.Result r = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FORWARD);
            List<String> failures = new ArrayList<>();
            check(failures, () -> assertZeroPadding("y", c, r.y()));
            check(failures, () -> assertMaxNorm("y", ref.y(), r.y(), x.tol.rnnForward()));
            if (c.finalStates()) {
                check(failures, () -> assertMaxNorm("hy", ref.hy(), r.hy(), x.tol.rnnForward()));
                if (ref.cy() != null) {
                    check(failures, () -> assertMaxNorm("cy", ref.cy(), r.cy(), x.tol.rnnForward()));
                }
            }
            report(failures);
        }));
    }

    /** An inference-mode forward gives the training-mode forward's y, hy and cy. */
    @TestFactory
    Stream<DynamicTest> rnnInferenceMatchesTraining() {
        return RnnCase.table().stream().map(c -> test(c.name(), x -> () -> {
            RnnCase.Data d = c.data();
            RnnHarness.Result train = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FORWARD);
            RnnHarness.Result infer = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.INFERENCE);
            List<String> failures = new ArrayList<>();
            check(failures, () -> assertMaxNorm("y", train.y(), infer.y(), x.tol.consistency()));
            if (c.finalStates()) {
                check(failures, () -> assertMaxNorm("hy", train.hy(), infer.hy(), x.tol.consistency()));
                if (train.cy() != null) {
                    check(failures, () -> assertMaxNorm("cy", train.cy(), infer.cy(), x.tol.consistency()));
                }
            }
            report(failures);
        }));
    }

    /**
     * dx, dhx, dcx and every canonical weight gradient (backward-weights into a zeroed buffer) against central
     * finite differences of the reference loss L = sum(y*Ry) + sum(hy*Rh) + sum(cy*Rc); dx past each sequence's
     * length exactly 0.
     */
    @TestFactory
    Stream<DynamicTest> rnnGradients() {
        return RnnCase.table().stream().map(c -> test(c.name(), x -> () -> {
            Map<String, double[]> fd = c.finiteDifferences();
            RnnHarness.Result r = RnnHarness.run(backend, c, dtype(), c.data(), RnnHarness.Options.FULL);
            List<String> failures = new ArrayList<>();
            double tol = x.tol.rnnGradient();
            check(failures, () -> assertZeroPadding("dx", c, r.dx()));
            check(failures, () -> assertGradient("dx", fd.get("dx"), r.dx(), tol));
            if (c.initialStateGrads()) {
                check(failures, () -> assertGradient("dhx", fd.get("dhx"), r.dhx(), tol));
                if (fd.containsKey("dcx")) {
                    check(failures, () -> assertGradient("dcx", fd.get("dcx"), r.dcx(), tol));
                }
            }
            for (Map.Entry<String, double[]> p : r.dParams().entrySet()) {
                check(failures, () -> assertGradient(p.getKey(), fd.get(p.getKey()), p.getValue(), tol));
            }
            report(failures);
        }));
    }

    /** Backward-weights adds: into a buffer holding V it gives V + g, and called twice on zeros it gives 2g. */
    @TestFactory
    Stream<DynamicTest> rnnBackwardWeightsAdds() {
        return pick(RnnCase.table(), 0, 3, 8, 16, 21).map(c -> test(c.name(), x -> () -> {
            RnnCase.Data d = c.data();
            RnnHarness.Result once = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FULL);
            double[] v = x.rand(once.dWeightsFlat().length, -1, 1);
            RnnHarness.Result onto = RnnHarness.run(backend, c, dtype(), d,
                    new RnnHarness.Options(RnnMode.TRAINING, true, v, 1));
            RnnHarness.Result twice = RnnHarness.run(backend, c, dtype(), d,
                    new RnnHarness.Options(RnnMode.TRAINING, true, null, 2));
            double[] expectOnto = once.dWeightsFlat().clone();
            double[] expectTwice = once.dWeightsFlat().clone();
            for (int i = 0; i < v.length; i++) {
                expectOnto[i] += v[i];
                expectTwice[i] *= 2;
            }
            List<String> failures = new ArrayList<>();
            check(failures, () -> assertMaxNorm("dWeights pre-filled with V: V + g", expectOnto, onto.dWeightsFlat(),
                    x.tol.consistency()));
            check(failures, () -> assertMaxNorm("dWeights after two calls: 2g", expectTwice, twice.dWeightsFlat(),
                    x.tol.consistency()));
            report(failures);
        }));
    }

    /**
     * A sequence's results do not depend on the other sequences of the batch: each sequence run alone (B = 1)
     * gives the same y, hy, cy, dx, dhx, dcx columns, and the per-sequence weight gradients sum to the batch's.
     */
    @TestFactory
    Stream<DynamicTest> rnnBatchIndependence() {
        return RnnCase.table().stream().filter(c -> c.batch() > 1).map(c -> test(c.name(), x -> () -> {
            RnnCase.Data d = c.data();
            RnnHarness.Result all = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FULL);
            int lds = c.layers() * (c.bidirectional() ? 2 : 1);
            int out = c.hiddenSize() * (c.bidirectional() ? 2 : 1);
            double[] dwSum = new double[all.dWeightsFlat().length];
            List<String> failures = new ArrayList<>();
            for (int seq = 0; seq < c.batch(); seq++) {
                final int b = seq;
                RnnCase one = c.single(b);
                RnnHarness.Result r = RnnHarness.run(backend, one, dtype(), c.slice(d, b), RnnHarness.Options.FULL);
                String s = "sequence " + b + " (length " + c.lengths()[b] + ") ";
                double tol = x.tol.consistency();
                check(failures, () -> assertMaxNorm(s + "y", r.y(),
                        RnnCase.sliceBatch(all.y(), c.seqLength(), c.batch(), out, b), tol));
                check(failures, () -> assertMaxNorm(s + "dx", r.dx(),
                        RnnCase.sliceBatch(all.dx(), c.seqLength(), c.batch(), c.inputSize(), b), tol));
                if (c.finalStates()) {
                    check(failures, () -> assertMaxNorm(s + "hy", r.hy(),
                            RnnCase.sliceBatch(all.hy(), lds, c.batch(), c.hiddenSize(), b), tol));
                    if (r.cy() != null) {
                        check(failures, () -> assertMaxNorm(s + "cy", r.cy(),
                                RnnCase.sliceBatch(all.cy(), lds, c.batch(), c.hiddenSize(), b), tol));
                    }
                }
                if (c.initialStateGrads()) {
                    check(failures, () -> assertMaxNorm(s + "dhx", r.dhx(),
                            RnnCase.sliceBatch(all.dhx(), lds, c.batch(), c.hiddenSize(), b), tol));
                    if (r.dcx() != null) {
                        check(failures, () -> assertMaxNorm(s + "dcx", r.dcx(),
                                RnnCase.sliceBatch(all.dcx(), lds, c.batch(), c.hiddenSize(), b), tol));
                    }
                }
                for (int i = 0; i < dwSum.length; i++) {
                    dwSum[i] += r.dWeightsFlat()[i];
                }
            }
            check(failures, () -> assertMaxNorm("sum of the sequences' dWeights", dwSum, all.dWeightsFlat(),
                    x.tol.consistency()));
            report(failures);
        }));
    }

    /** Forward + backward twice on fresh buffers give bit-identical results. */
    @TestFactory
    Stream<DynamicTest> rnnDeterminism() {
        return pick(RnnCase.table(), 5, 11, 18, 25).map(c -> test(c.name(), x -> () -> {
            RnnCase.Data d = c.data();
            RnnHarness.Result a = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FULL);
            RnnHarness.Result b = RnnHarness.run(backend, c, dtype(), d, RnnHarness.Options.FULL);
            assertIdentical(a, b);
        }));
    }

    /** Bit-for-bit equality of two runs' results. */
    public static void assertIdentical(RnnHarness.Result a, RnnHarness.Result b) {
        List<String> failures = new ArrayList<>();
        identical(failures, "y", a.y(), b.y());
        identical(failures, "hy", a.hy(), b.hy());
        identical(failures, "cy", a.cy(), b.cy());
        identical(failures, "dx", a.dx(), b.dx());
        identical(failures, "dhx", a.dhx(), b.dhx());
        identical(failures, "dcx", a.dcx(), b.dcx());
        identical(failures, "dWeights", a.dWeightsFlat(), b.dWeightsFlat());
        report(failures);
    }

    private static void identical(List<String> failures, String what, double[] a, double[] b) {
        if (a == null && b == null) {
            return;
        }
        if (a == null || b == null) {
            failures.add(what + ": present in one run only");
            return;
        }
        check(failures, () -> assertExact(what, a, b));
    }

    // ---- helpers ----

    private static Stream<RnnCase> pick(List<RnnCase> table, int... indices) {
        List<RnnCase> out = new ArrayList<>();
        for (int i : indices) {
            out.add(table.get(i));
        }
        return out.stream();
    }

    /** Every element of a [T, B, width] array at a step t >= lengths[b] is 0 (either sign). */
    private static void assertZeroPadding(String what, RnnCase c, double[] a) {
        int width = a.length / (c.seqLength() * c.batch());
        for (int t = 0; t < c.seqLength(); t++) {
            for (int b = 0; b < c.batch(); b++) {
                if (t < c.lengths()[b]) {
                    continue;
                }
                for (int j = 0; j < width; j++) {
                    double v = a[(t * c.batch() + b) * width + j];
                    if (v != 0) {
                        fail(what + "[" + t + ", " + b + ", " + j + "] is past sequence " + b + "'s length "
                                + c.lengths()[b] + ": expected 0, got " + v);
                    }
                }
            }
        }
    }

    /** Runs one comparison, collecting its failure message so that every failing tensor is reported. */
    private static void check(List<String> failures, Executable e) {
        try {
            e.execute();
        } catch (AssertionError err) {
            failures.add(err.getMessage());
        } catch (RuntimeException err) {
            throw err;
        } catch (Throwable err) {
            throw new IllegalStateException(err);
        }
    }

    private static void report(List<String> failures) {
        if (!failures.isEmpty()) {
            fail(failures.size() + " mismatch" + (failures.size() == 1 ? "" : "es") + ":\n  "
                    + String.join("\n  ", failures));
        }
    }
}

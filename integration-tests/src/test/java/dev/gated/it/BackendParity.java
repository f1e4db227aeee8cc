package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.conformance.OpCases;
import dev.gated.engine.conformance.OpRecording;
import dev.gated.engine.conformance.RnnCase;
import dev.gated.engine.conformance.RnnHarness;
import dev.gated.engine.rnn.CellType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * The parity suite: the same work on two backends, compared directly with each other (not each with a reference;
 * the conformance suite does that). A subclass names the two sides ({@link #reference()}, the trusted one, and
 * {@link #candidate()}); the GPU classes compare cuda with cpu, and {@link CpuParityTest} runs the very same
 * harness on CPU float32 against the float64 reference backend so that the comparison code runs, and can fail,
 * on every build.
 *
 * <ol type="a">
 *   <li>every conformance op case ({@link OpCases}: every host-visible result, in order) and every RNN case
 *       ({@link RnnCase#table()}: LSTM/GRU, 1-3 layers, uni/bi, variable lengths, hx/cx given or null; y, hy, cy,
 *       dx, dhx, dcx and every weight gradient);</li>
 *   <li>whole training runs of 120 steps: LSTM and GRU, 2 layers, bidirectional, variable-length batches, Adam
 *       and SGD with momentum, global-norm clipping, float inputs and token ids through a trainable embedding
 *       (padding id 0 among the ids); every step's loss and every final weight ({@code embedding.weight} included);</li>
 *   <li>a checkpoint file written on one side after 60 steps, resumed on the other, compared with the other's
 *       uninterrupted run (both directions).</li>
 * </ol>
 *
 * <p>Tolerances ({@link ParityTolerances}; max-norm relative error max|a - b| / max(1, max|b|) per tensor, the loss
 * relative to itself). The float32 row is used when either side computes in float32:
 * <table>
 *   <caption>parity tolerances</caption>
 *   <tr><th>what</th><th>float32</th><th>float64</th><th>why</th></tr>
 *   <tr><td>op results</td><td>2e-5</td><td>1e-12</td><td>each backend is within 1e-5 (float32 elementwise,
 *       reduction, gemm) of the float64 truth in the conformance suite; two of them within twice that</td></tr>
 *   <tr><td>RNN forward</td><td>2e-5</td><td>1e-12</td><td>conformance allows 1e-5 per backend (measured on the
 *       CPU: 1.3e-7); float64: both analytic, same formulas, ulps apart</td></tr>
 *   <tr><td>RNN gradients</td><td>2e-4</td><td>1e-11</td><td>conformance allows 1e-4 per backend (measured:
 *       4e-7); float64 sums over T*B terms reassociate</td></tr>
 *   <tr><td>training loss (each step), weights after 120 steps</td><td>2e-4</td><td>1e-9</td><td>rounding
 *       differences feed back through 120 updates; measured on exactly these runs: CPU float32 against the
 *       float64 reference at most 1.2e-6, CPU float64 against it 5e-15; two float32 backends are each that far
 *       from the truth, and 2e-4 leaves ~80x margin over the sum</td></tr>
 *   <tr><td>resume across backends</td><td>2e-4</td><td>2e-4</td><td>a checkpoint stores float32 (PyTorch's
 *       format), so even a float64 run continues from float32-rounded weights</td></tr>
 * </table>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendParity {
    static final int RESUME_AT = 60;

    private Backend ref;
    private Backend cand;
    private final Map<String, ParityTraining.Outcome> runs = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    /** The trusted side (e.g. cpu). */
    protected abstract ParitySide reference();

    /** The side under test (e.g. cuda). */
    protected abstract ParitySide candidate();

    protected ParityTolerances tolerances() {
        return ParityTolerances.forPair(reference().dtype(), candidate().dtype());
    }

    @BeforeAll
    final void open() {
        ref = reference().factory().get();
        cand = candidate().factory().get();
    }

    @AfterAll
    final void close() {
        if (cand != null) {
            cand.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    private String pair() {
        return "[" + candidate() + " vs " + reference() + "] ";
    }

    private DynamicTest test(String name, Executable body) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                body.execute();
            } catch (AssertionError e) {
                throw new AssertionFailedError(pair() + name + ": " + e.getMessage(), e);
            }
        });
    }

    // ---- (a) ops and RNN cases ----

    @TestFactory
    Stream<DynamicTest> ops() {
        return OpCases.all().stream().map(c -> test(c.name(), () -> {
            String excluded = OpRecording.excluded(c);
            assumeTrue(excluded == null, c.name() + ": " + excluded);
            List<OpRecording.Value> a = OpRecording.record(c, cand, candidate().dtype());
            List<OpRecording.Value> b = OpRecording.record(c, ref, reference().dtype());
            assertEquals(b.size(), a.size(), "number of host-visible results");
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                compare(failures, b.get(i).what(), b.get(i).values(), a.get(i).values(), tolerances().op());
            }
            report(failures);
        }));
    }

    @TestFactory
    Stream<DynamicTest> rnn() {
        return RnnCase.table().stream().map(c -> test(c.name(), () -> {
            RnnCase.Data d = c.data();
            RnnHarness.Result a = RnnHarness.run(cand, c, candidate().dtype(), d, RnnHarness.Options.FULL);
            RnnHarness.Result b = RnnHarness.run(ref, c, reference().dtype(), d, RnnHarness.Options.FULL);
            ParityTolerances t = tolerances();
            List<String> failures = new ArrayList<>();
            compare(failures, "y", b.y(), a.y(), t.rnnForward());
            compare(failures, "hy", b.hy(), a.hy(), t.rnnForward());
            compare(failures, "cy", b.cy(), a.cy(), t.rnnForward());
            compare(failures, "dx", b.dx(), a.dx(), t.rnnGradient());
            compare(failures, "dhx", b.dhx(), a.dhx(), t.rnnGradient());
            compare(failures, "dcx", b.dcx(), a.dcx(), t.rnnGradient());
            assertEquals(b.dParams().keySet(), a.dParams().keySet(), "weight gradients");
            for (String name : b.dParams().keySet()) {
                compare(failures, "d" + name, b.dParams().get(name), a.dParams().get(name), t.rnnGradient());
            }
            report(failures);
        }));
    }

    // ---- (b) whole training runs ----

    static List<ParityTraining.Config> trainingConfigs() {
        return List.of(ParityTraining.adam(CellType.LSTM), ParityTraining.adam(CellType.GRU),
                ParityTraining.sgdMomentum(CellType.LSTM), ParityTraining.sgdMomentum(CellType.GRU),
                ParityTraining.adamEmbedding(CellType.LSTM), ParityTraining.sgdMomentumEmbedding(CellType.GRU));
    }

    @TestFactory
    Stream<DynamicTest> training() {
        return trainingConfigs().stream().map(c -> test(c.name(), () -> {
            ParityTraining.Outcome a = candidateRun(c);
            ParityTraining.Outcome b = referenceRun(c);
            // The run must be a real one: it learns, and the clipping bound is hit on some steps, not all.
            double first = mean(b.losses(), 0, 20);
            double last = mean(b.losses(), c.steps() - 20, c.steps());
            assertTrue(last < 0.8 * first, "the reference run should learn: mean loss of the first 20 steps " + first
                    + ", of the last 20 " + last);
            assertTrue(b.clippedSteps() > 0 && b.clippedSteps() < c.steps(), "clipping should act on some steps, "
                    + "acted on " + b.clippedSteps() + " of " + c.steps());
            List<String> failures = new ArrayList<>();
            compareRuns(failures, b, a, tolerances().trainingLoss(), tolerances().trainingWeights());
            report(failures);
            System.out.printf(Locale.ROOT, "%s%s: final loss %.6g vs %.6g, max weight error %.3g, max loss error "
                    + "%.3g%n", pair(), c.name(), a.finalLoss(), b.finalLoss(), maxWeightError(b, a),
                    maxLossError(b, a));
        }));
    }

    // ---- (c) a checkpoint resumes on the other backend ----

    @TestFactory
    Stream<DynamicTest> checkpointResumesOnTheOtherBackend() {
        List<ParityTraining.Config> configs = List.of(ParityTraining.adam(CellType.LSTM),
                ParityTraining.sgdMomentum(CellType.GRU), ParityTraining.adamEmbedding(CellType.GRU));
        // A checkpoint holds float32 weights, so the float32 tolerances apply even to float64 pairs.
        double tol = ParityTolerances.FLOAT32.trainingWeights();
        return configs.stream().flatMap(c -> Stream.of(
                test(c.name() + ": " + RESUME_AT + " steps on " + candidate() + ", then on " + reference(), () -> {
                    ParityTraining.Outcome resumed = ParityTraining.runResumed(cand, candidate().dtype(), ref,
                            reference().dtype(), c, RESUME_AT, dir);
                    List<String> failures = new ArrayList<>();
                    compareRuns(failures, referenceRun(c), resumed, ParityTolerances.FLOAT32.trainingLoss(), tol);
                    report(failures);
                }),
                test(c.name() + ": " + RESUME_AT + " steps on " + reference() + ", then on " + candidate(), () -> {
                    ParityTraining.Outcome resumed = ParityTraining.runResumed(ref, reference().dtype(), cand,
                            candidate().dtype(), c, RESUME_AT, dir);
                    List<String> failures = new ArrayList<>();
                    compareRuns(failures, candidateRun(c), resumed, ParityTolerances.FLOAT32.trainingLoss(), tol);
                    report(failures);
                })));
    }

    private ParityTraining.Outcome candidateRun(ParityTraining.Config c) {
        return runs.computeIfAbsent("candidate " + c.name(), k -> ParityTraining.run(cand, candidate().dtype(), c));
    }

    private ParityTraining.Outcome referenceRun(ParityTraining.Config c) {
        return runs.computeIfAbsent("reference " + c.name(), k -> ParityTraining.run(ref, reference().dtype(), c));
    }

    // ---- comparisons ----

    private static void compareRuns(List<String> failures, ParityTraining.Outcome expected,
                                    ParityTraining.Outcome actual, double lossTol, double weightTol) {
        double lossErr = maxLossError(expected, actual);
        if (!(lossErr <= lossTol)) {
            failures.add("loss: relative error " + lossErr + " > " + lossTol + " (final loss expected "
                    + expected.finalLoss() + ", got " + actual.finalLoss() + ")");
        }
        for (String name : expected.weights().keySet()) {
            compare(failures, name, expected.weights().get(name), actual.weights().get(name), weightTol);
        }
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    static double maxLossError(ParityTraining.Outcome expected, ParityTraining.Outcome actual) {
        double worst = 0;
        for (int i = 0; i < expected.losses().length; i++) {
            double e = Math.abs(actual.losses()[i] - expected.losses()[i]) / Math.abs(expected.losses()[i]);
            worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
        }
        return worst;
    }

    static double maxWeightError(ParityTraining.Outcome expected, ParityTraining.Outcome actual) {
        double worst = 0;
        for (String name : expected.weights().keySet()) {
            worst = Math.max(worst, error(expected.weights().get(name), actual.weights().get(name)));
        }
        return worst;
    }

    /** max|a - b| / max(1, max|b|); NaN or infinity in only one of them is an infinite error. */
    static double error(double[] expected, double[] actual) {
        double maxAbs = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.compare(e, a) == 0 || e == a) {
                maxAbs = Double.isFinite(e) ? Math.max(maxAbs, Math.abs(e)) : maxAbs;
                continue;
            }
            double d = Math.abs(a - e);
            maxDiff = Double.isNaN(d) || Double.isInfinite(d) ? Double.POSITIVE_INFINITY : Math.max(maxDiff, d);
            maxAbs = Double.isFinite(e) ? Math.max(maxAbs, Math.abs(e)) : maxAbs;
        }
        return maxDiff / Math.max(1, maxAbs);
    }

    static void compare(List<String> failures, String what, double[] expected, double[] actual, double tol) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                failures.add(what + ": present on one side only");
            }
            return;
        }
        if (expected.length != actual.length) {
            failures.add(what + ": " + expected.length + " elements expected, got " + actual.length);
            return;
        }
        double err = error(expected, actual);
        if (!(err <= tol)) {
            int worst = 0;
            double w = -1;
            for (int i = 0; i < expected.length; i++) {
                double d = Math.abs(actual[i] - expected[i]);
                d = Double.isNaN(d) ? (Double.compare(actual[i], expected[i]) == 0 ? 0 : Double.POSITIVE_INFINITY) : d;
                if (d > w) {
                    w = d;
                    worst = i;
                }
            }
            failures.add(what + ": max-norm error " + err + " > " + tol + " (worst at element " + worst
                    + ": expected " + expected[worst] + ", got " + actual[worst] + ")");
        }
    }

    static void report(List<String> failures) {
        if (!failures.isEmpty()) {
            fail(failures.size() + " mismatch" + (failures.size() == 1 ? "" : "es") + ":\n  "
                    + String.join("\n  ", failures));
        }
    }
}

package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.train.TrainingJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The parity suite for the training toolkit: the same job ({@link ToolkitParityRuns#configs()}, >= 100 steps each,
 * every numerics-touching option on in some run) through {@link TrainingJob} on two backends, compared run against
 * run: every step's loss, pre-clipping gradient norm and learning rate, the metrics rows, every weight and every
 * optimizer-state tensor of the last checkpoint, and, for the {@code on_nonfinite: skip} run, the very steps that
 * were skipped. A subclass names the sides, like {@link BackendParity}; {@link CpuToolkitParityTest} runs it on
 * every build (CPU float32 against the float64 reference backend), {@link GpuToolkitParityTest} on a GPU.
 *
 * <p>Tolerances ({@link ParityTolerances}): each step's loss, gradient norm and learning rate, and the epoch rows'
 * losses and norms, relative to the reference value with {@code trainingLoss} (the rate and the norm are computed
 * from the same trajectory as the loss, so they drift no further); weights and optimizer state with the float32
 * {@code trainingWeights}, whatever the pair, because a checkpoint stores float32.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ToolkitParity {
    @TempDir
    Path dir;

    /** The trusted side (e.g. cpu). */
    protected abstract ParitySide reference();

    /** The side under test (e.g. cuda). */
    protected abstract ParitySide candidate();

    /**
     * The trusted side for the run whose batches overflow float32 on purpose. A float64 side never overflows on
     * finite float32 data (the loss of an all-spike batch is 1e77 there), so it could not skip the same steps; the
     * CPU class uses the reference backend at float32 storage for that run.
     */
    protected ParitySide overflowReference() {
        return reference();
    }

    protected ParityTolerances tolerances() {
        return ParityTolerances.forPair(reference().dtype(), candidate().dtype());
    }

    private static TrainingJob.Compute compute(ParitySide side) {
        return new TrainingJob.Compute(side.factory(), side.dtype(), "parity side " + side);
    }

    @TestFactory
    Stream<DynamicTest> toolkitRuns() {
        return ToolkitParityRuns.configs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            ParitySide ref = c.csvSkip() ? overflowReference() : reference();
            ParitySide cand = candidate();
            String pair = "[" + cand + " vs " + ref + "] " + c.name() + ": ";
            try {
                check(c, ref, cand, pair);
            } catch (AssertionError e) {
                throw new AssertionFailedError(pair + e.getMessage(), e);
            }
        }));
    }

    private void check(ToolkitParityRuns.Config c, ParitySide refSide, ParitySide candSide, String pair) {
        Path job = ToolkitParityRuns.job(c, dir);
        long start = System.nanoTime();
        String run = job.getFileName().toString().replace(".yaml", "");
        ToolkitParityRuns.Outcome b = ToolkitParityRuns.run(job, run + "-reference", compute(refSide));
        ToolkitParityRuns.Outcome a = ToolkitParityRuns.run(job, run + "-candidate", compute(candSide));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%sboth runs in %.1f s%n", pair, seconds);
        int n = b.steps().size();
        assertTrue(n >= 100, "a run of at least 100 steps, got " + n);
        assertEquals(n, a.steps().size(), "steps");
        sanity(c, b);

        ParityTolerances t = tolerances();
        List<String> failures = new ArrayList<>();
        relative(failures, "loss (each step)", b.column(ToolkitParityRuns.Step::loss),
                a.column(ToolkitParityRuns.Step::loss), t.trainingLoss());
        relative(failures, "grad_norm (each step)", b.column(ToolkitParityRuns.Step::gradNorm),
                a.column(ToolkitParityRuns.Step::gradNorm), t.trainingLoss());
        relative(failures, "lr (each step)", b.column(ToolkitParityRuns.Step::lr),
                a.column(ToolkitParityRuns.Step::lr), t.trainingLoss());
        assertEquals(b.rows().size(), a.rows().size(), "metrics rows");
        for (String k : List.of("train_loss", "val_loss", "lr", "grad_norm", "grad_norm_max")) {
            relative(failures, "metrics column " + k, column(b, k), column(a, k), t.trainingLoss());
        }
        if (c.csvSkip()) {
            assertEquals(skipped(b), skipped(a), "the skipped steps (1-based)");
            assertEquals(b.summary().get("skipped_batches"), a.summary().get("skipped_batches"), "skipped_batches");
        }
        double weightTol = ParityTolerances.FLOAT32.trainingWeights();
        assertEquals(b.weights().keySet(), a.weights().keySet(), "weight names");
        b.weights().forEach((k, v) -> BackendParity.compare(failures, k, v, a.weights().get(k), weightTol));
        assertEquals(b.optimizer().keySet(), a.optimizer().keySet(), "optimizer-state names");
        b.optimizer().forEach((k, v) -> BackendParity.compare(failures, "optimizer " + k, v, a.optimizer().get(k),
                weightTol));
        BackendParity.report(failures);
        double maxW = 0;
        for (String k : b.weights().keySet()) {
            maxW = Math.max(maxW, BackendParity.error(b.weights().get(k), a.weights().get(k)));
        }
        System.out.printf(Locale.ROOT, "%s%d steps, final loss %.6g vs %.6g, max loss error %.3g, max weight error "
                + "%.3g (%.1f s for both runs)%n", pair, n, a.steps().get(n - 1).loss(), b.steps().get(n - 1).loss(),
                maxRelative(b.column(ToolkitParityRuns.Step::loss), a.column(ToolkitParityRuns.Step::loss)), maxW,
                seconds);
    }

    /** The reference run is a real one: the options act, so agreeing on them means something. */
    private static void sanity(ToolkitParityRuns.Config c, ToolkitParityRuns.Outcome b) {
        int n = b.steps().size();
        double[] lr = b.column(ToolkitParityRuns.Step::lr);
        assertTrue(Arrays.stream(lr).distinct().count() > 1, "the schedule changes the learning rate");
        if (c.clip() > 0) {
            long clipped = b.steps().stream().filter(s -> s.gradNorm() > c.clip()).count();
            double[] norms = b.column(ToolkitParityRuns.Step::gradNorm);
            assertTrue(clipped > 0 && clipped < n, "clip_grad_norm " + c.clip() + " should act on some steps, acted on "
                    + clipped + " of " + n + " (norms from " + Arrays.stream(norms).min().orElse(0) + " to "
                    + Arrays.stream(norms).max().orElse(0) + ")");
        }
        if (c.csvSkip()) {
            int perEpoch = n / c.epochs();
            List<Integer> expected = IntStream.range(0, c.epochs()).map(e -> e * perEpoch + 4).boxed().toList();
            assertEquals(expected, skipped(b), "the reference skips batch 4 (the all-spike one) of every epoch");
        } else {
            double first = b.rows().get(0).get("val_loss");
            double last = b.rows().get(b.rows().size() - 1).get("val_loss");
            assertTrue(last < first, "the reference run should learn: val_loss " + first + " after the first "
                    + "epoch, " + last + " after the last");
        }
    }

    /** 1-based steps whose gradient norm was not finite (the trainer skipped their update). */
    private static List<Integer> skipped(ToolkitParityRuns.Outcome o) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < o.steps().size(); i++) {
            if (!Double.isFinite(o.steps().get(i).gradNorm())) {
                s.add(i + 1);
            }
        }
        return s;
    }

    private static double[] column(ToolkitParityRuns.Outcome o, String key) {
        return o.rows().stream().mapToDouble(r -> r.getOrDefault(key, Double.NaN)).toArray();
    }

    /** max |a - b| / |b| over the elements; equal values (NaN and infinities included) count as no error. */
    static double maxRelative(double[] expected, double[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Double.compare(expected[i], actual[i]) == 0 || expected[i] == actual[i]) {
                continue;
            }
            double e = Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
            worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
        }
        return worst;
    }

    private static void relative(List<String> failures, String what, double[] expected, double[] actual, double tol) {
        if (expected.length != actual.length) {
            failures.add(what + ": " + expected.length + " values expected, got " + actual.length);
            return;
        }
        double err = maxRelative(expected, actual);
        if (!(err <= tol)) {
            int worst = 0;
            double w = -1;
            for (int i = 0; i < expected.length; i++) {
                double e = maxRelative(new double[] {expected[i]}, new double[] {actual[i]});
                if (e > w) {
                    w = e;
                    worst = i;
                }
            }
            failures.add(what + ": relative error " + err + " > " + tol + " (worst at index " + worst + ": expected "
                    + expected[worst] + ", got " + actual[worst] + ")");
        }
    }
}

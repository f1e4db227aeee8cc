package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.train.TrainingJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The parity suite for {@code training.tbptt}: character language models trained with truncated BPTT (K2 &lt; K1, so
 * every step also advances the state in inference mode; a short last chunk; LSTM and GRU, fused and through the
 * layer stack with layer norm, residual and dropout) through {@link TrainingJob} on two backends, compared run
 * against run as {@link ToolkitParity} compares: every step's loss and pre-clipping gradient norm, the epoch rows
 * (the stateful validation's loss and accuracy included), every weight, and every optimizer-state tensor of the last
 * checkpoint, which holds the carried state ({@code tbptt.h.<k>}, {@code tbptt.c.<k>}) too. Tolerances as in
 * {@link ToolkitParity}. {@link CpuTbpttParityTest} runs it on every build, {@link GpuTbpttParityTest} on a GPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TbpttParity {
    @TempDir
    Path dir;

    protected abstract ParitySide reference();

    protected abstract ParitySide candidate();

    record Config(String name, String model, String tbptt) {
    }

    static List<Config> configs() {
        return List.of(
                new Config("lstm, 2 layers fused, forward 12 backward 7", "  cell: lstm\n  layers: 2\n  hidden: 10\n",
                        "  tbptt: {forward: 12, backward: 7}\n"),
                new Config("gru, 2 layers, layer norm + residual + dropout between, forward 10 backward 4",
                        "  cell: gru\n  layers: 2\n  hidden: 10\n  layer_norm: true\n  residual: true\n"
                                + "  dropout: {between: 0.2}\n", "  tbptt: {forward: 10, backward: 4}\n"),
                // SGD here: with Adam this job's per-step losses agreed to 2.6e-8, but one element of
                // rnn.weight_ih_l0 (a one-hot input's column, rarely updated) ended 9.2e-4 max-norm apart, Adam's
                // division by sqrt(v) amplifying float32 rounding of tiny gradients; with SGD it is within 2e-4.
                new Config("lstm, 1 layer, output dropout, forward 9, sgd momentum", "  cell: lstm\n  hidden: 12\n"
                        + "  dropout: {output: 0.1}\n", "  tbptt: {forward: 9}\n  optimizer: sgd\n"
                        + "  learning_rate: 0.5\n  momentum: 0.9\n"));
    }

    @TestFactory
    Stream<DynamicTest> tbpttRuns() {
        return configs().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            String pair = "[" + candidate() + " vs " + reference() + "] " + c.name() + ": ";
            try {
                check(c, pair);
            } catch (AssertionError e) {
                throw new AssertionFailedError(pair + e.getMessage(), e);
            }
        }));
    }

    private void check(Config c, String pair) throws IOException {
        // 2,400 characters: 4 streams of 539 training pairs; chunks of K1 with a shorter last one.
        Path job = TbpttJobs.job(dir, "job-" + Integer.toHexString(c.name().hashCode()), TbpttJobs.text(dir, 2400),
                "  split: [0.9, 0.05, 0.05]\n", c.model(), "  batch_size: 4\n  epochs: 2\n" + c.tbptt());
        String run = job.getFileName().toString().replace(".yaml", "");
        long start = System.nanoTime();
        ToolkitParityRuns.Outcome b = ToolkitParityRuns.run(job, run + "-reference", compute(reference()));
        ToolkitParityRuns.Outcome a = ToolkitParityRuns.run(job, run + "-candidate", compute(candidate()));
        double seconds = (System.nanoTime() - start) / 1e9;
        int n = b.steps().size();
        assertTrue(n >= 90, "a run of at least 90 steps, got " + n);
        assertEquals(n, a.steps().size(), "steps");
        double firstVal = b.rows().get(0).get("val_loss");
        double lastVal = b.rows().get(b.rows().size() - 1).get("val_loss");
        assertTrue(lastVal < firstVal, "the reference run should learn: val_loss " + firstVal + " then " + lastVal);

        ParityTolerances t = ParityTolerances.forPair(reference().dtype(), candidate().dtype());
        List<String> failures = new ArrayList<>();
        relative(failures, "loss (each step)", b.column(ToolkitParityRuns.Step::loss),
                a.column(ToolkitParityRuns.Step::loss), t.trainingLoss());
        relative(failures, "grad_norm (each step)", b.column(ToolkitParityRuns.Step::gradNorm),
                a.column(ToolkitParityRuns.Step::gradNorm), t.trainingLoss());
        assertEquals(b.rows().size(), a.rows().size(), "metrics rows");
        for (String k : List.of("train_loss", "val_loss", "val_accuracy", "grad_norm")) {
            relative(failures, "metrics column " + k, column(b, k), column(a, k), t.trainingLoss());
        }
        double weightTol = ParityTolerances.FLOAT32.trainingWeights();
        assertEquals(b.weights().keySet(), a.weights().keySet(), "weight names");
        b.weights().forEach((k, v) -> BackendParity.compare(failures, k, v, a.weights().get(k), weightTol));
        assertEquals(b.optimizer().keySet(), a.optimizer().keySet(), "optimizer-state names");
        assertTrue(b.optimizer().containsKey("tbptt.h.0"), "the carried state is in the checkpoint");
        b.optimizer().forEach((k, v) -> BackendParity.compare(failures, "optimizer " + k, v, a.optimizer().get(k),
                weightTol));
        BackendParity.report(failures);
        System.out.printf(Locale.ROOT, "%s%d steps, final loss %.6g vs %.6g, max loss error %.3g (%.1f s for both)%n",
                pair, n, a.steps().get(n - 1).loss(), b.steps().get(n - 1).loss(),
                ToolkitParity.maxRelative(b.column(ToolkitParityRuns.Step::loss),
                        a.column(ToolkitParityRuns.Step::loss)), seconds);
    }

    private static TrainingJob.Compute compute(ParitySide side) {
        return new TrainingJob.Compute(side.factory(), side.dtype(), "parity side " + side);
    }

    private static double[] column(ToolkitParityRuns.Outcome o, String key) {
        return o.rows().stream().mapToDouble(r -> r.getOrDefault(key, Double.NaN)).toArray();
    }

    private static void relative(List<String> failures, String what, double[] expected, double[] actual, double tol) {
        double err = expected.length == actual.length ? ToolkitParity.maxRelative(expected, actual)
                : Double.POSITIVE_INFINITY;
        if (!(err <= tol)) {
            failures.add(what + ": relative error " + err + " > " + tol);
        }
    }
}

package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.cli.ConsoleReporter.Mode;
import dev.gated.engine.train.TrainingListener.End;
import dev.gated.engine.train.TrainingListener.Epoch;
import dev.gated.engine.train.TrainingListener.Start;
import dev.gated.engine.train.TrainingListener.Step;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleReporterTest {
    @TempDir
    Path cwd;

    /** A clock that only moves when told. */
    private static final class FakeClock {
        long nanos = 1_000_000_000L;

        void advanceMillis(long ms) {
            nanos += TimeUnit.MILLISECONDS.toNanos(ms);
        }
    }

    private final FakeClock clock = new FakeClock();
    private final StringWriter text = new StringWriter();

    /** What was printed, with Unix line ends and path separators. */
    private String output() {
        return text.toString().replace(System.lineSeparator(), "\n").replace('\\', '/');
    }

    private ConsoleReporter reporter(Mode mode) {
        return new ConsoleReporter(new PrintWriter(text), mode, () -> clock.nanos, cwd);
    }

    private Start start(long stepsPerEpoch, int epochs) {
        return new Start(cwd.resolve("runs/demo"), "cpu (pure Java, 2 threads)", "no usable GPU", 12_345, 5_000,
                stepsPerEpoch, epochs, 0, null);
    }

    private static Map<String, Double> metrics(double trainLoss, double valLoss, double valMae) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", trainLoss);
        m.put("val_loss", valLoss);
        m.put("val_mae", valMae);
        return m;
    }

    private End end() {
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("best_val_loss", 0.015);
        summary.put("test_mae", 0.08712345);
        return new End(cwd.resolve("runs/demo"), 10, 3725, summary,
                List.of(cwd.resolve("runs/demo/metrics.csv"), Path.of("/elsewhere/plot.png")));
    }

    /** Ten steps over two epochs of five, three seconds apart, as the training loop would report them. */
    private void runTwoEpochs(ConsoleReporter r) {
        r.onStart(start(5, 2));
        for (int step = 1; step <= 10; step++) {
            clock.advanceMillis(3000);
            int epoch = (step - 1) / 5 + 1;
            r.onStep(new Step(epoch, step, (step - 1) % 5 + 1, 0.0123, 812.4, step * 3.0, (10 - step) * 3.0 + 60));
            if (step % 5 == 0) {
                r.onEpoch(new Epoch(epoch, step, metrics(0.0123, 0.01500, 0.09), epoch == 1, 4.1));
            }
            if (step == 7) {
                r.onWarning("learning rate reduced to 0.001");
                r.onCheckpoint(cwd.resolve("runs/demo/checkpoints/step-7.ckpt"), "step", 7);
            }
        }
        r.onEnd(end());
    }

    private static final String SUMMARY = String.join("\n",
            "finished: 10 steps in 1h02m (runs/demo)",
            "  best_val_loss  0.015",
            "  test_mae       0.08712",
            "files:",
            "  runs/demo/metrics.csv",
            "  /elsewhere/plot.png",
            "");

    @Test
    void linesModePrintsEveryTenSecondsAndAtTheEndOfEachEpoch() {
        runTwoEpochs(reporter(Mode.LINES));
        String expected = String.join("\n",
                "run runs/demo: cpu (pure Java, 2 threads) (no usable GPU), 12,345 parameters, 5,000 training "
                        + "examples, 5 steps/epoch, 2 epochs",
                // t = 12 s: ten seconds after the start
                "epoch 1/2 step 4/10 loss 0.0123 812 samples/s ETA 1m18s",
                // t = 15 s: the last step of the epoch
                "epoch 1/2 step 5/10 loss 0.0123 812 samples/s ETA 1m15s",
                "epoch 1/2 done in 4.1s: train_loss 0.0123 val_loss 0.015 val_mae 0.09 (best)",
                "warning: learning rate reduced to 0.001",
                // t = 27 s: twelve seconds after the last line (t = 24 s was only nine)
                "epoch 2/2 step 9/10 loss 0.0123 812 samples/s ETA 1m03s",
                "epoch 2/2 step 10/10 loss 0.0123 812 samples/s ETA 1m00s",
                "epoch 2/2 done in 4.1s: train_loss 0.0123 val_loss 0.015 val_mae 0.09",
                "") + SUMMARY;
        assertEquals(expected, output());
    }

    @Test
    void aTranslationSummaryLeavesTheCopySourceBaselineToItsTable() {
        ConsoleReporter r = reporter(Mode.QUIET);
        r.onReport("test split: 6 sentences", List.of(
                "                                BLEU    chrF",
                "greedy                         12.50   30.10",
                "beam 3, alpha 0.6              13.25   31.00",
                "copy the source (baseline)      1.20   20.40",
                "  beam:      "));
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("best_val_loss", 4.5);
        summary.put("test_bleu_greedy", 12.5);
        summary.put("test_bleu_beam", 13.25);
        summary.put("test_bleu_copy_source", 1.2);
        summary.put("test_chrf_copy_source", 20.4);
        summary.put("test_beam_seconds", 0.25);
        r.onEnd(new End(cwd.resolve("runs/mt"), 4, 2.5, summary, List.of(cwd.resolve("runs/mt/attention-1.png"))));
        assertEquals(String.join("\n",
                "test split: 6 sentences:",
                "                                  BLEU    chrF",
                "  greedy                         12.50   30.10",
                "  beam 3, alpha 0.6              13.25   31.00",
                "  copy the source (baseline)      1.20   20.40",
                "    beam:",
                "finished: 4 steps in 2.5s (runs/mt)",
                "  best_val_loss      4.5",
                "  test_bleu_greedy   12.5",
                "  test_bleu_beam     13.25",
                "  test_beam_seconds  0.25",
                "files:",
                "  runs/mt/attention-1.png",
                ""), output());
        assertTrue(ConsoleReporter.baseline("test_chrf_copy_source"));
        assertTrue(ConsoleReporter.baseline("test_last_value_mae"));
        assertFalse(ConsoleReporter.baseline("test_bleu_beam"));
    }

    @Test
    void quietModePrintsOnlyWarningsAndTheSummary() {
        runTwoEpochs(reporter(Mode.QUIET));
        assertEquals("warning: learning rate reduced to 0.001\n" + SUMMARY,
                output());
    }

    @Test
    void barModeRedrawsOneLineAtMostTenTimesASecond() {
        ConsoleReporter r = reporter(Mode.BAR);
        int stepsPerEpoch = 5000;
        r.onStart(start(stepsPerEpoch, 2));
        for (int step = 1; step <= 2 * stepsPerEpoch; step++) {
            clock.advanceMillis(1); // 1000 steps a second: 10 s in all
            int epoch = (step - 1) / stepsPerEpoch + 1;
            long batch = (step - 1) % stepsPerEpoch + 1;
            r.onStep(new Step(epoch, step, batch, 0.5 / step, 812, step / 1000.0, (2 * stepsPerEpoch - step) / 1000.0));
            if (batch == stepsPerEpoch) {
                r.onEpoch(new Epoch(epoch, step, metrics(0.1, 0.2, 0.3), false, 5.0));
            }
        }
        r.onEnd(end());
        String out = output();
        long redraws = out.chars().filter(c -> c == '\r').count();
        // 10 s at 10 a second, plus the first step and the last step of each epoch
        assertTrue(redraws >= 90 && redraws <= 103, "redraws: " + redraws);
        // The bar shows the epoch's progress and the whole run's step.
        assertTrue(out.contains("\repoch 1/2 [#######.......]  50%  step 2501/10000  loss 0.0001999  812 samples/s  "
                + "ETA 7s"), out);
        // (A bar shorter than the one before is padded with spaces to wipe the rest.)
        assertTrue(Pattern.compile("\repoch 2/2 \\[#{14}] 100%  step 10000/10000  loss 5e-05  812 samples/s  "
                + "ETA 0s *\nepoch 2/2 done in 5\\.0s: train_loss 0\\.1 val_loss 0\\.2 val_mae 0\\.3\n").matcher(out)
                .find(), out);
        // Every printed line starts on a line of its own: no text follows a bar on the same line.
        assertTrue(Pattern.compile("ETA 5s *\nepoch 1/2 done in 5\\.0s").matcher(out).find(), out);
        assertTrue(out.contains("\nfinished: 10 steps"), out);
        assertFalse(out.contains("\n\n"), "no empty lines: " + out);
    }

    @Test
    void barModeEndsTheBarBeforeAWarningAndWipesLongerText() {
        ConsoleReporter r = reporter(Mode.BAR);
        r.onStart(start(100, 1));
        r.onStep(new Step(1, 1, 1, 123.456, 10000, 1, 7300));
        clock.advanceMillis(200);
        r.onStep(new Step(1, 2, 2, 1.5, 9, 2, 3));
        r.onWarning("slow");
        String out = output();
        String first = "epoch 1/1 [..............]   1%  step 1/100  loss 123.5  10000 samples/s  ETA 2h01m";
        String second = "epoch 1/1 [..............]   2%  step 2/100  loss 1.5  9 samples/s  ETA 3s";
        assertTrue(out.endsWith("\r" + first + "\r" + second + " ".repeat(first.length() - second.length())
                + "\nwarning: slow\n"), out);
    }

    @Test
    void resumingIsAnnounced() {
        ConsoleReporter r = reporter(Mode.LINES);
        r.onStart(new Start(cwd.resolve("runs/demo"), "cuda (NVIDIA H100)", null, 1000, 10, 2, 3, 4,
                cwd.resolve("runs/demo/checkpoints/last.ckpt")));
        assertEquals("run runs/demo: cuda (NVIDIA H100), 1,000 parameters, 10 training examples, 2 steps/epoch, "
                + "3 epochs, resuming from runs/demo/checkpoints/last.ckpt at step 4\n", output());
    }

    @Test
    void worksWithoutOnStart() {
        ConsoleReporter r = reporter(Mode.LINES);
        r.onStep(new Step(2, 7, 3, Double.NaN, Double.NaN, 1, Double.POSITIVE_INFINITY));
        r.onEpoch(new Epoch(2, 7, Map.of(), false, 75));
        assertEquals("epoch 2 step 7 loss nan ? samples/s ETA ?\nepoch 2 done in 1m15s\n",
                output());
    }

    @Test
    void durations() {
        assertEquals("0s", ConsoleReporter.duration(0));
        assertEquals("59s", ConsoleReporter.duration(59.4));
        assertEquals("1m00s", ConsoleReporter.duration(59.6));
        assertEquals("1m05s", ConsoleReporter.duration(65));
        assertEquals("59m59s", ConsoleReporter.duration(3599));
        assertEquals("1h00m", ConsoleReporter.duration(3600));
        assertEquals("1h01m", ConsoleReporter.duration(3700));
        assertEquals("27h46m", ConsoleReporter.duration(100_000));
        assertEquals("?", ConsoleReporter.duration(Double.NaN));
        assertEquals("?", ConsoleReporter.duration(-1));
        assertEquals("4.1s", ConsoleReporter.elapsed(4.1));
        assertEquals("0.0s", ConsoleReporter.elapsed(0));
        assertEquals("1m00s", ConsoleReporter.elapsed(59.96));
        assertEquals("1m05s", ConsoleReporter.elapsed(65));
    }

    @Test
    void significantDigits() {
        assertEquals("0.0123", ConsoleReporter.sig(0.0123, 4));
        assertEquals("0.01235", ConsoleReporter.sig(0.0123456, 4));
        assertEquals("0.015", ConsoleReporter.sig(0.015, 4));
        assertEquals("0.09", ConsoleReporter.sig(0.09, 4));
        assertEquals("1235", ConsoleReporter.sig(1234.5678, 4));
        assertEquals("12346", ConsoleReporter.sig(12345.6, 4));
        assertEquals("-2.5", ConsoleReporter.sig(-2.5, 4));
        assertEquals("0", ConsoleReporter.sig(0.0, 4));
        assertEquals("1.235e-05", ConsoleReporter.sig(1.23456e-5, 4));
        assertEquals("1e-05", ConsoleReporter.sig(1e-5, 4));
        assertEquals("1.235e+09", ConsoleReporter.sig(1.23456e9, 4));
        assertEquals("nan", ConsoleReporter.sig(Double.NaN, 4));
        assertEquals("inf", ConsoleReporter.sig(Double.POSITIVE_INFINITY, 4));
        assertEquals("-", ConsoleReporter.sig(null, 4));
        assertEquals("0.0123457", ConsoleReporter.sig(0.01234567, 6));
    }

    @Test
    void modeDetection() {
        assertEquals(Mode.QUIET, ConsoleReporter.detect(true, true, "xterm"));
        assertEquals(Mode.BAR, ConsoleReporter.detect(false, true, "xterm-256color"));
        assertEquals(Mode.BAR, ConsoleReporter.detect(false, true, null));
        assertEquals(Mode.LINES, ConsoleReporter.detect(false, true, "dumb"));
        assertEquals(Mode.LINES, ConsoleReporter.detect(false, false, "xterm"));
        // Under the test runner output goes to a file, not a terminal.
        assertEquals(Mode.QUIET, ConsoleReporter.detect(true));
        assertEquals(Mode.LINES, ConsoleReporter.detect(false));
    }
}

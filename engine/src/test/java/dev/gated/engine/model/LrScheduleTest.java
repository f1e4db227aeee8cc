package dev.gated.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each schedule's closed form against PyTorch's own recurrences (the chainable {@code get_lr} of StepLR,
 * ExponentialLR and CosineAnnealingLR, transformers' warmup lambda, OneCycleLR's phase loop, ReduceLROnPlateau's
 * {@code step}) over many steps.
 */
class LrScheduleTest {
    private static final double BASE = 0.01;

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)) + 1e-15, what);
    }

    @Test
    void stepLrMatchesPyTorchsRecurrenceOverTwoHundredEpochs() {
        LrSchedule s = new LrSchedule.Step(7, 0.5);
        double lr = BASE;
        for (int epoch = 0; epoch < 200; epoch++) {
            // StepLR.get_lr: unchanged unless last_epoch is a non-zero multiple of step_size, then * gamma.
            if (epoch != 0 && epoch % 7 == 0) {
                lr *= 0.5;
            }
            close(lr, s.lr(BASE, epoch * 13L + 5, epoch, 10_000), "epoch " + epoch);
        }
    }

    @Test
    void exponentialLrMatchesPyTorchsRecurrence() {
        LrSchedule s = new LrSchedule.Exponential(0.95);
        double lr = BASE;
        for (int epoch = 0; epoch < 300; epoch++) {
            if (epoch != 0) {
                lr *= 0.95;
            }
            close(lr, s.lr(BASE, 0, epoch, 10_000), "epoch " + epoch);
        }
    }

    @Test
    void constantIsTheBaseRate() {
        for (int step = 0; step < 50; step++) {
            assertEquals(BASE, new LrSchedule.Constant().lr(BASE, step, step / 5, 50));
        }
    }

    @Test
    void cosineWithWarmupMatchesTransformersAndCosineAnnealingLr() {
        long total = 500;
        long warmup = 40;
        double minLr = 1e-4;
        LrSchedule s = new LrSchedule.Cosine(warmup, minLr);
        for (long k = 0; k < warmup; k++) {
            // get_cosine_schedule_with_warmup: float(step) / max(1, num_warmup_steps)
            close(BASE * k / warmup, s.lr(BASE, k, 0, total), "warmup step " + k);
        }
        // CosineAnnealingLR's chainable form, T_max = total - warmup, from the base rate.
        double tMax = total - warmup;
        double lr = BASE;
        for (long t = 0; t < tMax; t++) {
            if (t > 0) {
                lr = (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (lr - minLr)
                        + minLr;
            }
            assertEquals(lr, s.lr(BASE, warmup + t, 0, total), 1e-11, "step " + (warmup + t));
        }
        // With min_lr 0 it is transformers' lambda: 0.5 * (1 + cos(pi * progress)).
        LrSchedule hf = new LrSchedule.Cosine(warmup, 0);
        for (long k = warmup; k < total; k++) {
            double progress = (double) (k - warmup) / (total - warmup);
            close(BASE * 0.5 * (1 + Math.cos(Math.PI * progress)), hf.lr(BASE, k, 0, total), "step " + k);
        }
    }

    /** OneCycleLR.get_lr, phases as PyTorch builds them (three_phase=False, anneal_strategy='cos'). */
    private static double pytorchOneCycle(double maxLr, double pct, double div, double finalDiv, long total,
                                          long stepNum) {
        double initial = maxLr / div;
        double min = initial / finalDiv;
        double[][] phases = {{pct * total - 1, initial, maxLr}, {total - 1, maxLr, min}};
        double start = 0;
        for (int i = 0; i < phases.length; i++) {
            double end = phases[i][0];
            if (stepNum <= end || i == phases.length - 1) {
                double p = (stepNum - start) / (end - start);
                double cos = Math.cos(Math.PI * p) + 1;
                return phases[i][2] + (phases[i][1] - phases[i][2]) / 2.0 * cos;
            }
            start = end;
        }
        throw new AssertionError();
    }

    @Test
    void oneCycleMatchesPyTorchsPhasesAndItsEndPoints() {
        long total = 1000;
        LrSchedule s = new LrSchedule.OneCycle(Optional.of(0.1), 0.3, 25, 1e4);
        for (long k = 0; k < total; k++) {
            close(pytorchOneCycle(0.1, 0.3, 25, 1e4, total, k), s.lr(BASE, k, 0, total), "step " + k);
        }
        close(0.1 / 25, s.lr(BASE, 0, 0, total), "starts at max_lr / div_factor");
        close(0.1, s.lr(BASE, 299, 0, total), "peaks at max_lr at pct_start * total - 1");
        close(0.1 / 25 / 1e4, s.lr(BASE, total - 1, 0, total), "ends at initial / final_div_factor");
        LrSchedule fromBase = new LrSchedule.OneCycle(Optional.empty(), 0.25, 10, 100);
        close(BASE, fromBase.lr(BASE, 99, 0, 400), "max_lr defaults to the learning rate");
    }

    @Test
    void reduceOnPlateauFollowsPyTorchsStep() {
        LrSchedule.ReduceOnPlateau r = new LrSchedule.ReduceOnPlateau("val_loss", false, 0.5, 2, 0, 1, 0);
        double[] values = {1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85};
        // Traced by hand with ReduceLROnPlateau.step: bad epochs > patience reduces, cooldown zeroes bad epochs.
        double[] expected = {1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25};
        LrSchedule.PlateauState s = r.initial(1);
        for (int e = 0; e < values.length; e++) {
            s = r.step(s, values[e]);
            assertEquals(expected[e], s.lr(), "lr after epoch " + e);
        }
        LrSchedule.ReduceOnPlateau floor = new LrSchedule.ReduceOnPlateau("val_loss", false, 0.5, 0, 0, 0, 0.3);
        LrSchedule.PlateauState f = floor.initial(1);
        for (int e = 0; e < 5; e++) {
            f = floor.step(f, 1);
        }
        assertEquals(0.3, f.lr(), "never below min_lr");
    }

    @Test
    void reduceOnPlateauUsesARelativeThresholdAndMaxMode() {
        LrSchedule.ReduceOnPlateau r = new LrSchedule.ReduceOnPlateau("val_accuracy", true, 0.1, 0, 0.1, 0, 0);
        LrSchedule.PlateauState s = r.step(r.initial(1), 0.5);
        assertEquals(1, s.lr());
        s = r.step(s, 0.54); // not above 0.5 * 1.1
        assertEquals(0.1, s.lr(), 1e-15);
        s = r.step(s, 0.56); // above 0.55: better
        assertEquals(0.1, s.lr(), 1e-15);
        assertEquals(0.56, s.best());
    }

    @Test
    void plateauStateRoundTripsThroughCheckpointMetadata() {
        LrSchedule.PlateauState s = new LrSchedule.PlateauState(0.0123, 0.1 + 0.2, 3, 1);
        assertEquals(s, LrSchedule.PlateauState.fromMetadata(s.toMetadata(), 0.0123).orElseThrow());
    }

    @Test
    void badSettingsAreRejectedWithTheirNames() {
        assertEquals("gamma: expected a number > 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new LrSchedule.Step(3, -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule.OneCycle(Optional.empty(), 1.2, 25, 1e4));
        assertThrows(IllegalArgumentException.class,
                () -> new LrSchedule.ReduceOnPlateau("val_loss", false, 1.5, 1, 0, 0, 0));
    }
}

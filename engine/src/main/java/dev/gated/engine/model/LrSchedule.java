package dev.gated.engine.model;

import java.util.Locale;
import java.util.Optional;

/**
 * A learning-rate schedule with {@code torch.optim.lr_scheduler} semantics. Which clock drives it is part of
 * the schedule, as in PyTorch's usual training loops:
 * <ul>
 *   <li>per epoch ({@code scheduler.step()} once per epoch): {@link Step} (StepLR), {@link Exponential}
 *       (ExponentialLR), {@link ReduceOnPlateau} (ReduceLROnPlateau, fed the epoch's validation metric);</li>
 *   <li>per optimizer step ({@code scheduler.step()} after every {@code optimizer.step()}): {@link Cosine}
 *       (linear warmup then cosine decay to {@code minLr}) and {@link OneCycle} (OneCycleLR).</li>
 * </ul>
 * The closed forms are pure functions of (base lr, step, epoch, total steps), so a resumed run computes the same
 * rates; only reduce-on-plateau has state, held by {@link PlateauState} and saved in checkpoints.
 */
public sealed interface LrSchedule {
    /** The name in job files ({@code training.lr_schedule.kind}). */
    String kind();

    /** All kinds, as written in job files. */
    java.util.List<String> KINDS = java.util.List.of("constant", "step", "exponential", "cosine", "one_cycle",
            "reduce_on_plateau");

    /**
     * The rate for optimizer step {@code step} (0-based over the whole run) in epoch {@code epoch} (0-based).
     * Reduce-on-plateau returns {@code base}: its rate comes from its {@link PlateauState}.
     *
     * @param base       {@code training.learning_rate}
     * @param totalSteps optimizer steps in the whole run (epochs * steps per epoch)
     */
    double lr(double base, long step, int epoch, long totalSteps);

    /** The same rate throughout. */
    record Constant() implements LrSchedule {
        @Override
        public String kind() {
            return "constant";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            return base;
        }
    }

    /** StepLR, per epoch: base * gamma^floor(epoch / stepSize). */
    record Step(int stepSize, double gamma) implements LrSchedule {
        public Step {
            positive("step_size", stepSize);
            positiveNumber("gamma", gamma);
        }

        @Override
        public String kind() {
            return "step";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            return base * Math.pow(gamma, epoch / stepSize);
        }
    }

    /** ExponentialLR, per epoch: base * gamma^epoch. */
    record Exponential(double gamma) implements LrSchedule {
        public Exponential {
            positiveNumber("gamma", gamma);
        }

        @Override
        public String kind() {
            return "exponential";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            return base * Math.pow(gamma, epoch);
        }
    }

    /**
     * Per step: linear warmup from 0 (step 0 runs at rate 0, as transformers' get_cosine_schedule_with_warmup)
     * to {@code base} over {@code warmupSteps}, then CosineAnnealingLR's closed form from {@code base} down to
     * {@code minLr} at the last step: minLr + (base - minLr) * (1 + cos(pi * t / T)) / 2 with t the steps after
     * warmup and T = totalSteps - warmupSteps.
     */
    record Cosine(long warmupSteps, double minLr) implements LrSchedule {
        public Cosine {
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmup_steps: expected an integer >= 0, got " + warmupSteps);
            }
            nonNegative("min_lr", minLr);
        }

        @Override
        public String kind() {
            return "cosine";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            if (step < warmupSteps) {
                return base * step / warmupSteps;
            }
            double span = Math.max(1, totalSteps - warmupSteps);
            double t = Math.min(step - warmupSteps, span);
            return minLr + (base - minLr) * (1 + Math.cos(Math.PI * t / span)) / 2;
        }
    }

    /**
     * OneCycleLR with cosine annealing, two phases, {@code cycle_momentum=False} (momentum and Adam's beta1 stay
     * fixed): from maxLr/divFactor up to maxLr over pctStart of the run, then down to
     * maxLr/divFactor/finalDivFactor at the last step. {@code maxLr} empty: {@code training.learning_rate}.
     */
    record OneCycle(Optional<Double> maxLr, double pctStart, double divFactor, double finalDivFactor)
            implements LrSchedule {
        public OneCycle {
            maxLr.ifPresent(v -> positiveNumber("max_lr", v));
            if (!(pctStart > 0 && pctStart < 1)) {
                throw new IllegalArgumentException("pct_start: expected a number in (0, 1), got " + pctStart);
            }
            if (!(divFactor > 0) || !(finalDivFactor > 0)) {
                throw new IllegalArgumentException("div_factor, final_div_factor: expected numbers > 0, got "
                        + divFactor + ", " + finalDivFactor);
            }
        }

        @Override
        public String kind() {
            return "one_cycle";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            double max = maxLr.orElse(base);
            double initial = max / divFactor;
            double min = initial / finalDivFactor;
            // PyTorch: phase ends at float(pct_start * total_steps) - 1 and total_steps - 1.
            double end1 = pctStart * totalSteps - 1;
            double end2 = totalSteps - 1;
            if (step <= end1) {
                return anneal(initial, max, step / end1);
            }
            return anneal(max, min, (step - end1) / (end2 - end1));
        }

        private static double anneal(double start, double end, double pct) {
            return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
        }
    }

    /**
     * ReduceLROnPlateau, per epoch, threshold_mode "rel": the rate is multiplied by {@code factor} (not below
     * {@code minLr}) when {@code metric} has not improved by more than {@code threshold} (relative) for more than
     * {@code patience} epochs; then {@code cooldown} epochs pass before bad epochs count again.
     *
     * @param metric a metric of the epoch row, e.g. val_loss
     * @param max    true when larger is better (mode "max")
     */
    record ReduceOnPlateau(String metric, boolean max, double factor, int patience, double threshold, int cooldown,
                           double minLr) implements LrSchedule {
        public ReduceOnPlateau {
            if (metric == null || metric.isBlank()) {
                throw new IllegalArgumentException("metric: expected a metric name, got " + metric);
            }
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("factor: expected a number in (0, 1), got " + factor);
            }
            if (patience < 0 || cooldown < 0) {
                throw new IllegalArgumentException("patience, cooldown: expected integers >= 0, got " + patience
                        + ", " + cooldown);
            }
            nonNegative("threshold", threshold);
            nonNegative("min_lr", minLr);
        }

        @Override
        public String kind() {
            return "reduce_on_plateau";
        }

        @Override
        public double lr(double base, long step, int epoch, long totalSteps) {
            return base;
        }

        /** The state before the first epoch. */
        public PlateauState initial(double lr) {
            return new PlateauState(lr, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, 0, 0);
        }

        /** One {@code scheduler.step(value)} at the end of an epoch, as PyTorch writes it. */
        public PlateauState step(PlateauState s, double value) {
            double best = s.best();
            int bad = s.badEpochs();
            boolean better = max ? value > best * (1 + threshold) : value < best * (1 - threshold);
            if (better) {
                best = value;
                bad = 0;
            } else {
                bad++;
            }
            int cooldownLeft = s.cooldownLeft();
            if (cooldownLeft > 0) {
                cooldownLeft--;
                bad = 0;
            }
            double lr = s.lr();
            if (bad > patience) {
                double reduced = Math.max(lr * factor, minLr);
                if (lr - reduced > 1e-8) {
                    lr = reduced;
                }
                cooldownLeft = cooldown;
                bad = 0;
            }
            return new PlateauState(lr, best, bad, cooldownLeft);
        }
    }

    /** Reduce-on-plateau's state: the current rate, the best value so far, bad epochs, cooldown epochs left. */
    record PlateauState(double lr, double best, int badEpochs, int cooldownLeft) {
        /** Checkpoint metadata entries. */
        public java.util.Map<String, String> toMetadata() {
            return java.util.Map.of("plateau_best", Double.toString(best), "plateau_bad_epochs",
                    Integer.toString(badEpochs), "plateau_cooldown_left", Integer.toString(cooldownLeft));
        }

        /** Reads {@link #toMetadata}'s entries back; {@code lr} comes from the checkpoint's training state. */
        public static Optional<PlateauState> fromMetadata(java.util.Map<String, String> m, double lr) {
            if (!m.containsKey("plateau_best")) {
                return Optional.empty();
            }
            return Optional.of(new PlateauState(lr, Double.parseDouble(m.get("plateau_best")),
                    Integer.parseInt(m.get("plateau_bad_epochs")), Integer.parseInt(m.get("plateau_cooldown_left"))));
        }
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + ": expected an integer >= 1, got " + v);
        }
    }

    private static void positiveNumber(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + ": expected a number > 0, got " + v);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + ": expected a number >= 0, got " + String.format(Locale.ROOT,
                    "%s", v));
        }
    }
}

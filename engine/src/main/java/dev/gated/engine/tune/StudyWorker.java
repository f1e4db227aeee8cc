package dev.gated.engine.tune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.train.Backtest;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One worker of a study: claims a trial from the journal, trains it as an ordinary run in
 * {@code trials/trial-NNNN/}, reports its epochs (where the pruner may stop it) and its end, and repeats until the
 * budget is spent. Any number of workers, in one process or many, on one machine or several sharing the study
 * folder, work on the same study: every decision is taken while holding the journal's lock.
 */
public final class StudyWorker {
    public static final String TRIALS = "trials";

    /** What a worker tells its caller; calls come from the worker's thread. */
    public interface Events {
        default void onClaim(int trial, Map<String, Object> params, boolean resumed) {
        }

        default void onEpoch(int trial, int epoch, double value) {
        }

        default void onEnd(int trial, TrialState state, double value, String reason) {
        }
    }

    private final StudyConfig study;
    private final String workerId;
    private final Optional<Instant> deadline;
    private final BooleanSupplier stop;
    private final Events events;
    private final StudyJournal journal;
    private final Sampler sampler;
    private final Pruner pruner;

    /**
     * @param workerId names the worker in the journal (host and process, e.g. {@code host:1234})
     * @param deadline no trial is started after it (the study's wall-time budget); running ones finish
     * @param stop     polled after every training step: true stops the trial with a checkpoint (it stays
     *                 running in the journal, and the next worker resumes it), then the worker
     */
    public StudyWorker(StudyConfig study, String workerId, Optional<Instant> deadline, BooleanSupplier stop,
                       Events events) {
        this.study = study;
        this.workerId = workerId;
        this.deadline = deadline;
        this.stop = stop;
        this.events = events;
        this.journal = new StudyJournal(study.dir());
        this.sampler = Samplers.create(study.sampler(), study.space(), study.objective().direction(), study.seed());
        this.pruner = Pruner.of(study.pruner(), study.objective().direction(), study.objective().metric());
    }

    /** Trials it may run in all: the budget, at most the grid. */
    public static int trialLimit(StudyConfig study, Sampler sampler) {
        return (int) Math.min(study.budget().trials(), sampler.capacity());
    }

    /** What identifies a study: a folder made by another one is not continued. The budget may change. */
    public static String fingerprint(StudyConfig s) {
        return "job=" + s.job() + "; space=" + s.space() + "; objective=" + s.objective() + "; sampler="
                + s.sampler() + "; pruner=" + s.pruner() + "; seed=" + s.seed();
    }

    /** Runs trials until there is none left to claim (or {@code stop}); returns how many it ended. */
    public int run() {
        int ended = 0;
        while (!stop.getAsBoolean()) {
            Optional<Claim> claim = claim();
            if (claim.isEmpty()) {
                break;
            }
            try (Leases.Lease lease = claim.get().lease()) {
                if (runTrial(claim.get())) {
                    ended++;
                }
            }
        }
        return ended;
    }

    record Claim(int trial, Map<String, Object> params, boolean resumed, Leases.Lease lease) {
    }

    Optional<Claim> claim() {
        return journal.update(records -> {
            StudyState state = StudyState.replay(records);
            List<ObjectNode> append = new ArrayList<>();
            String fp = fingerprint(study);
            if (state.fingerprint().isEmpty()) {
                append.add(StudyJournal.newRecord("study").put("fingerprint", fp).put("name", study.name()));
            } else if (!state.fingerprint().get().equals(fp)) {
                throw new IllegalStateException("the study folder " + study.dir() + " holds another study (its job, "
                        + "space, objective, sampler, pruner or seed differ):\n  folder: " + state.fingerprint().get()
                        + "\n  file:   " + fp + "\nset study.name to start a new study, or delete the folder");
            }
            if (deadline.isPresent() && Instant.now().isAfter(deadline.get())) {
                return new StudyJournal.Update<>(Optional.<Claim>empty(), append);
            }
            for (StudyState.Trial t : state.trials()) {
                if (t.state() == TrialState.RUNNING) {
                    Optional<Leases.Lease> lease = Leases.tryTake(study.dir(), t.number());
                    if (lease.isPresent()) { // its worker died or stopped: continue it from its checkpoint
                        append.add(StudyJournal.newRecord("reclaim").put("trial", t.number()).put("worker", workerId));
                        return new StudyJournal.Update<>(Optional.of(new Claim(t.number(), t.view().params(), true,
                                lease.get())), append);
                    }
                }
            }
            int n = state.count();
            if (n >= trialLimit(study, sampler)) {
                return new StudyJournal.Update<>(Optional.<Claim>empty(), append);
            }
            Map<String, Object> params = sampler.sample(n, state.views());
            Leases.Lease lease = Leases.tryTake(study.dir(), n).orElseThrow(() -> new IllegalStateException(
                    "the lease of the new trial " + n + " is held: " + Leases.file(study.dir(), n)));
            ObjectNode claim = StudyJournal.newRecord("claim").put("trial", n).put("worker", workerId);
            putParams(claim.putObject("params"), params);
            append.add(claim);
            return new StudyJournal.Update<>(Optional.of(new Claim(n, params, false, lease)), append);
        });
    }

    /** Parameters as JSON values of their own type, so that {@link StudyState} reads back Long, Double, ... */
    static void putParams(ObjectNode o, Map<String, Object> params) {
        params.forEach((k, v) -> {
            if (v instanceof Long l) {
                o.put(k, l);
            } else if (v instanceof Double d) {
                o.put(k, d);
            } else if (v instanceof Boolean b) {
                o.put(k, b);
            } else {
                o.put(k, String.valueOf(v));
            }
        });
    }

    public static String trialName(int trial) {
        return String.format(Locale.ROOT, "trial-%04d", trial);
    }

    /** The trial's run folder. */
    public static Path trialDir(StudyConfig study, int trial) {
        return study.dir().resolve(TRIALS).resolve(trialName(trial));
    }

    /** The base job's overrides that make trial {@code trial} with {@code params}. */
    public static List<String> overrides(StudyConfig study, int trial, Map<String, Object> params) {
        List<String> o = new ArrayList<>(TrialOverrides.of(params));
        o.add("output.dir=" + study.dir().resolve(TRIALS).toAbsolutePath());
        o.add("output.name=" + trialName(trial));
        return o;
    }

    /** Trains the trial; true when it ended (complete, pruned or failed), false when stopped from outside. */
    private boolean runTrial(Claim c) {
        events.onClaim(c.trial(), c.params(), c.resumed());
        TrialProgress progress = new TrialProgress(c.trial());
        long start = System.nanoTime();
        ObjectNode end;
        try {
            double value;
            List<String> overrides = overrides(study, c.trial(), c.params());
            StudyConfig.Objective obj = study.objective();
            if (obj.backtest()) {
                Backtest.Result r = Backtest.run(study.job(), overrides, true, false, progress, progress::stop);
                if (!r.finished()) {
                    return false;
                }
                String m = obj.metric().substring(StudyConfig.Objective.BACKTEST_PREFIX.length());
                value = r.mean().getOrDefault("model", Map.of()).getOrDefault(m, Double.NaN);
            } else {
                TrainingJob.Result r = TrainingJob.run(new TrainingJob.Options(study.job(), overrides,
                        RunFolder.Resume.AUTO, false), progress, progress::stop);
                if (!r.finished()) {
                    if (progress.pruneReason == null) {
                        return false; // stopped from outside: it stays running and is resumed
                    }
                    end = StudyJournal.newRecord("pruned").put("trial", c.trial()).put("epoch", progress.epoch)
                            .put("reason", progress.pruneReason);
                    finish(c, end, start, TrialState.PRUNED, Double.NaN, progress.pruneReason);
                    return true;
                }
                value = objective(r.epochRows());
            }
            if (Double.isNaN(value)) {
                String reason = "the run has no value of " + obj.metric() + " (is there a validation split?)";
                finish(c, StudyJournal.newRecord("failed").put("trial", c.trial()).put("reason", reason), start,
                        TrialState.FAILED, Double.NaN, reason);
                return true;
            }
            finish(c, StudyJournal.newRecord("complete").put("trial", c.trial()).put("value", value)
                    .put("epochs", progress.epoch), start, TrialState.COMPLETE, value, "");
            return true;
        } catch (RuntimeException e) {
            // A parameter combination the job cannot train (diverged, too long a window for the data, ...) is a
            // result of the search, recorded; the study goes on.
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            finish(c, StudyJournal.newRecord("failed").put("trial", c.trial()).put("reason", reason), start,
                    TrialState.FAILED, Double.NaN, reason);
            return true;
        }
    }

    private void finish(Claim c, ObjectNode record, long start, TrialState state, double value, String reason) {
        record.put("seconds", (System.nanoTime() - start) / 1e9).put("worker", workerId);
        journal.update(records -> new StudyJournal.Update<>(null, List.of(record)));
        events.onEnd(c.trial(), state, value, reason);
    }

    /** The objective of a finished run: its best epoch's value of the metric, or its last epoch's. */
    double objective(List<Map<String, Double>> rows) {
        String metric = study.objective().metric();
        Direction d = study.objective().direction();
        double v = Double.NaN;
        for (Map<String, Double> row : rows) {
            Double x = row.get(metric);
            if (x == null || x.isNaN()) {
                continue;
            }
            v = study.objective().reduce() == StudyConfig.Reduce.LAST || d.better(x, v) ? x : v;
        }
        return v;
    }

    /** Follows one trial's epochs: records each value and asks the pruner. */
    private final class TrialProgress implements TrainingListener {
        private final int trial;
        private int epochs = Integer.MAX_VALUE;
        private int epoch;
        private double best = Double.NaN;
        private volatile String pruneReason;

        TrialProgress(int trial) {
            this.trial = trial;
        }

        boolean stop() {
            return pruneReason != null || stop.getAsBoolean();
        }

        @Override
        public void onStart(Start s) {
            epochs = s.epochs();
        }

        @Override
        public void onEpoch(Epoch e) {
            epoch = e.epoch();
            Double v = e.metrics().get(study.objective().metric());
            if (v == null || v.isNaN() || study.objective().backtest()) {
                return;
            }
            Direction d = study.objective().direction();
            best = d.better(v, best) ? v : best;
            double value = study.objective().reduce() == StudyConfig.Reduce.BEST ? best : v;
            int at = e.epoch();
            String reason = journal.update(records -> {
                StudyState state = StudyState.replay(records);
                ObjectNode r = StudyJournal.newRecord("epoch").put("trial", trial).put("epoch", at).put("value", value);
                if (at >= epochs) {
                    return new StudyJournal.Update<>(null, List.of(r)); // the last epoch: nothing left to save
                }
                List<TrialView> others = new ArrayList<>();
                TrialView self = null;
                for (TrialView t : state.views()) {
                    if (t.number() == trial) {
                        java.util.SortedMap<Integer, Double> im = new java.util.TreeMap<>(t.intermediate());
                        im.put(at, value);
                        self = new TrialView(t.number(), t.params(), t.state(), t.value(), im, t.seconds());
                    } else {
                        others.add(t);
                    }
                }
                return new StudyJournal.Update<>(self == null ? null : pruner.prune(self, at, others).orElse(null),
                        List.of(r));
            });
            events.onEpoch(trial, at, value);
            if (reason != null) {
                pruneReason = reason;
            }
        }
    }
}

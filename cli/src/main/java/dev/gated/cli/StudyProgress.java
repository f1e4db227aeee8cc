package dev.gated.cli;

import dev.gated.engine.tune.Direction;
import dev.gated.engine.tune.StudyConfig;
import dev.gated.engine.tune.StudyJournal;
import dev.gated.engine.tune.StudyState;
import dev.gated.engine.tune.TrialState;
import dev.gated.engine.tune.TrialView;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The study's progress for people: one line per trial event (started, resumed, complete, pruned, failed) with
 * the study's counts and the best so far, and at most every 10 s a line for the running trials' epochs. Read from
 * the journal, so it shows the trials of every worker sharing the study, in any process.
 */
final class StudyProgress {
    private static final long EPOCH_LINE_NANOS = 10_000_000_000L;

    private final StudyConfig study;
    private final PrintWriter out;
    private final int limit;
    private final long start = System.nanoTime();
    private long lastEpochLine = System.nanoTime();
    private int seen;

    StudyProgress(StudyConfig study, PrintWriter out, int limit) {
        this.study = study;
        this.out = out;
        this.limit = limit;
    }

    /**
     * {@link #poll()} when an epoch line is due; else nothing: an epoch's record adds no line of its own, so the
     * journal need not be read again after each one.
     */
    synchronized void pollIfDue() {
        if (System.nanoTime() - lastEpochLine > EPOCH_LINE_NANOS) {
            poll();
        }
    }

    /** Prints what happened since the last call. */
    synchronized void poll() {
        var records = new StudyJournal(study.dir()).read();
        StudyState state = StudyState.replay(records);
        boolean epochs = false;
        for (int i = seen; i < records.size(); i++) {
            var r = records.get(i);
            String type = r.path("type").asText();
            int trial = r.path("trial").asInt();
            switch (type) {
                case "claim" -> line(state, String.format(Locale.ROOT, "trial %d started (%s): %s", trial,
                        r.path("worker").asText(), r.path("params")));
                case "reclaim" -> line(state, String.format(Locale.ROOT, "trial %d resumed from its checkpoint "
                        + "(%s)", trial, r.path("worker").asText()));
                case "complete" -> line(state, String.format(Locale.ROOT, "trial %d complete: %s %.5g", trial,
                        study.objective().metric(), r.path("value").asDouble()));
                case "pruned" -> line(state, String.format(Locale.ROOT, "trial %d pruned at epoch %d: %s", trial,
                        r.path("epoch").asInt(), r.path("reason").asText()));
                case "failed" -> line(state, String.format(Locale.ROOT, "trial %d failed: %s", trial,
                        r.path("reason").asText()));
                case "epoch" -> epochs = true;
                default -> {
                }
            }
        }
        seen = records.size();
        if (epochs && System.nanoTime() - lastEpochLine > EPOCH_LINE_NANOS) {
            StringBuilder b = new StringBuilder("  running:");
            for (TrialView t : state.views()) {
                if (t.state() == TrialState.RUNNING && !t.intermediate().isEmpty()) {
                    b.append(String.format(Locale.ROOT, " trial %d epoch %d %s %.5g;", t.number(), t.lastEpoch(),
                            study.objective().metric(), t.intermediate().get(t.lastEpoch())));
                }
            }
            out.println(b);
            out.flush();
            lastEpochLine = System.nanoTime();
        }
    }

    private void line(StudyState state, String event) {
        out.println(event);
        out.println("  " + status(state));
        out.flush();
        lastEpochLine = System.nanoTime();
    }

    /** "12/40 trials: 8 complete, 3 pruned, 1 failed, 0 running · best val_rmse 2.31 (trial 7) · 4m12s". */
    String status(StudyState state) {
        Direction d = study.objective().direction();
        long ended = state.count(TrialState.COMPLETE) + state.count(TrialState.PRUNED)
                + state.count(TrialState.FAILED);
        String best = state.best(d).map(t -> String.format(Locale.ROOT, "best %s %.5g (trial %d)",
                study.objective().metric(), t.view().value(), t.number())).orElse("no trial complete yet");
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d/%s trials done: %d complete, %d pruned, %d failed, %d running · %s · "
                        + "%dm%02ds", ended, limit == Integer.MAX_VALUE ? "?" : Integer.toString(limit),
                state.count(TrialState.COMPLETE), state.count(TrialState.PRUNED), state.count(TrialState.FAILED),
                state.count(TrialState.RUNNING), best, s / 60, s % 60);
    }
}

package dev.gated.engine.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a study leaves for people: the leaderboard (console table and {@code leaderboard.csv}), {@code study.json}
 * and {@code best.yaml}, a complete job file of the best trial that {@code gated train best.yaml} retrains to the
 * same metric (same job, same seed; on the CPU backend bit for bit).
 */
public final class StudyResults {
    public static final String BEST = "best.yaml";
    public static final String LEADERBOARD = "leaderboard.csv";
    public static final String SUMMARY = "study.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StudyResults() {
    }

    /** Complete trials best first, then pruned ones (deepest first), then failed and running ones. */
    public static List<StudyState.Trial> ranked(StudyState state, Direction d) {
        Comparator<StudyState.Trial> order = Comparator.comparingInt((StudyState.Trial t) -> switch (t.state()) {
            case COMPLETE -> 0;
            case PRUNED -> 1;
            case FAILED -> 2;
            case RUNNING -> 3;
        }).thenComparingDouble(t -> t.state() == TrialState.COMPLETE ? d.asLoss(t.value)
                : t.state() == TrialState.PRUNED ? -t.prunedAt() : 0).thenComparingInt(StudyState.Trial::number);
        return state.trials().stream().sorted(order).toList();
    }

    /** Every parameter key any trial set, in first-seen order. */
    static List<String> keys(StudyState state) {
        Set<String> keys = new LinkedHashSet<>();
        state.trials().forEach(t -> keys.addAll(t.params.keySet()));
        return List.copyOf(keys);
    }

    /** The leaderboard as text lines: the {@code limit} best rows. */
    public static List<String> table(StudyState state, StudyConfig.Objective objective, int limit) {
        List<String> keys = keys(state);
        List<String> lines = new ArrayList<>();
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%5s  %-8s %12s %6s %8s", "trial", "state",
                objective.metric(), "epochs", "seconds"));
        keys.forEach(k -> h.append("  ").append(k));
        lines.add(h.toString());
        List<StudyState.Trial> ranked = ranked(state, objective.direction());
        for (StudyState.Trial t : ranked.subList(0, Math.min(limit, ranked.size()))) {
            double shown = t.state() == TrialState.COMPLETE ? t.value
                    : t.intermediate.isEmpty() ? Double.NaN : t.intermediate.lastEntry().getValue();
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%5d  %-8s %12s %6d %8.1f", t.number(),
                    t.state().name().toLowerCase(Locale.ROOT), Double.isNaN(shown) ? "-" : String.format(Locale.ROOT,
                            "%.5g", shown), t.view().lastEpoch(), t.seconds));
            for (String k : keys) {
                b.append("  ").append(format(t.params.get(k)));
            }
            lines.add(b.toString());
        }
        if (ranked.size() > limit) {
            lines.add(String.format(Locale.ROOT, "(%d more in %s)", ranked.size() - limit, LEADERBOARD));
        }
        return lines;
    }

    static String format(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.4g", d);
        }
        return v.toString();
    }

    /** Writes leaderboard.csv, study.json and (when a trial completed) best.yaml; returns the files written. */
    public static List<Path> write(StudyConfig study, StudyState state) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(study.dir());
            files.add(writeCsv(study, state));
            Optional<Path> best = writeBest(study, state);
            best.ifPresent(files::add);
            files.add(writeSummary(study, state, best));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study's results in " + study.dir() + ": "
                    + e.getMessage(), e);
        }
        return files;
    }

    private static Path writeCsv(StudyConfig study, StudyState state) throws IOException {
        List<String> keys = keys(state);
        StringBuilder b = new StringBuilder("trial,state,value,epochs,seconds,attempts,worker,reason");
        keys.forEach(k -> b.append(',').append(k));
        b.append('\n');
        for (StudyState.Trial t : ranked(state, study.objective().direction())) {
            b.append(t.number()).append(',').append(t.state().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(Double.isNaN(t.value) ? "" : Double.toString(t.value)).append(',')
                    .append(t.view().lastEpoch()).append(',')
                    .append(String.format(Locale.ROOT, "%.2f", t.seconds)).append(',').append(t.attempts())
                    .append(',').append(csv(t.worker())).append(',').append(csv(t.reason()));
            keys.forEach(k -> b.append(',').append(t.params.containsKey(k) ? csv(String.valueOf(t.params.get(k)))
                    : ""));
            b.append('\n');
        }
        Path f = study.dir().resolve(LEADERBOARD);
        AtomicFiles.write(f, b.toString().getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * best.yaml: the best trial's resolved job (its data paths absolute), with output.dir the study folder and
     * output.name {@code <study>-best}, so that training it does not touch the trial's own folder.
     */
    static Optional<Path> writeBest(StudyConfig study, StudyState state) {
        Optional<StudyState.Trial> best = state.best(study.objective().direction());
        if (best.isEmpty()) {
            return Optional.empty();
        }
        Path trialJob = StudyWorker.trialDir(study, best.get().number()).resolve(RunFolder.JOB);
        JobConfig config = JobFiles.load(trialJob, List.of("output.dir=" + study.dir().toAbsolutePath(),
                "output.name=" + study.name() + "-best"));
        Path f = study.dir().resolve(BEST);
        JobFiles.writeResolved(config, f);
        return Optional.of(f);
    }

    private static Path writeSummary(StudyConfig study, StudyState state, Optional<Path> bestFile)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("study", study.name());
        root.put("job", study.job().toString());
        root.put("metric", study.objective().metric());
        root.put("direction", study.objective().direction().name().toLowerCase(Locale.ROOT));
        root.put("sampler", study.sampler().kind().name().toLowerCase(Locale.ROOT));
        root.put("pruner", study.pruner().kind().name().toLowerCase(Locale.ROOT));
        root.put("trials", state.count());
        for (TrialState s : TrialState.values()) {
            root.put(s.name().toLowerCase(Locale.ROOT), state.count(s));
        }
        root.put("seconds", state.trials().stream().mapToDouble(t -> t.seconds).sum());
        state.best(study.objective().direction()).ifPresent(t -> {
            ObjectNode b = root.putObject("best");
            b.put("trial", t.number());
            b.put("value", t.value);
            StudyWorker.putParams(b.putObject("params"), t.params);
            bestFile.ifPresent(f -> b.put("job", f.toAbsolutePath().toString()));
        });
        Path f = study.dir().resolve(SUMMARY);
        AtomicFiles.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return f;
    }
}

package dev.gated.cli.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gated.engine.train.RunFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The sections every run has: its summary figures, the job file as recorded, and the environment it ran in. */
final class RunSections {
    /** environment.json, written by {@code gated train} when training starts. */
    static final String ENVIRONMENT = RunFolder.ENVIRONMENT;
    static final int SUMMARY_PAIRS = 3;

    private RunSections() {
    }

    /** summary.json as a table: steps, epochs, best validation loss, test metrics, baselines. */
    static Section summary(RunFiles run) {
        Map<String, Double> s = run.summary();
        if (s.isEmpty()) {
            return new Section("summary", "Summary", Html.missing("No " + RunFolder.SUMMARY
                    + " in the run folder: the run has not finished (or was stopped), so there are no final figures."));
        }
        // Three figure-value pairs a row: a summary has up to ~40 figures.
        List<String> cells = new ArrayList<>();
        s.forEach((k, v) -> {
            cells.add(k);
            cells.add(Html.num(v));
        });
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < cells.size(); i += 2 * SUMMARY_PAIRS) {
            List<String> row = new ArrayList<>(cells.subList(i, Math.min(cells.size(), i + 2 * SUMMARY_PAIRS)));
            while (row.size() < 2 * SUMMARY_PAIRS) {
                row.add("");
            }
            rows.add(row);
        }
        List<String> header = new ArrayList<>();
        for (int i = 0; i < SUMMARY_PAIRS; i++) {
            header.add("figure");
            header.add("value");
        }
        return new Section("summary", "Summary", Html.p("The final figures of the run, from " + RunFolder.SUMMARY
                + " (test_* on the test split, best_* on the validation split).") + Html.table(header, rows));
    }

    /** job.yaml exactly as the run recorded it (every default spelled out). */
    static Section job(RunFiles run) {
        String html = run.text(RunFolder.JOB)
                .map(t -> Html.p("The resolved job file the run recorded (" + RunFolder.JOB + "): every setting, "
                        + "defaults included, with paths made absolute.") + Html.pre(t))
                .orElse(Html.missing("No " + RunFolder.JOB + " in the run folder."));
        return new Section("job", "Job file", html);
    }

    /** environment.json: versions, backend, device, threads, seed, and each data file with its SHA-256. */
    static Section environment(RunFiles run) {
        if (!run.has(ENVIRONMENT)) {
            return new Section("environment", "Environment", Html.missing("No " + ENVIRONMENT + " in the run "
                    + "folder: gated train writes it when training starts; this run was made another way or by "
                    + "an older version, so its versions, backend and data checksums are not known."));
        }
        JsonNode e = run.json(ENVIRONMENT).orElseThrow();
        List<List<String>> rows = new ArrayList<>();
        String[][] keys = {{"gated_version", "Gated"}, {"java_version", "Java version"}, {"java_vendor", "Java vendor"},
                {"java_vm", "Java VM"}, {"os", "operating system"}, {"arch", "architecture"},
                {"device_setting", "training.device"}, {"backend", "backend"}, {"backend_reason", "why this backend"},
                {"available_processors", "available processors"},
                {"cpu_threads_setting", "GATED_CPU_THREADS / gated.cpu.threads"}, {"seed", "training.seed"},
                {"parameters", "trainable parameters"}, {"started", "training started (UTC)"},
                {"resumed_from", "resumed from"}};
        for (String[] k : keys) {
            JsonNode v = e.path(k[0]);
            rows.add(List.of(k[1], v.isMissingNode() || v.isNull() ? "n/a" : v.asText()));
        }
        List<List<String>> files = new ArrayList<>();
        e.path("data_files").forEach(f -> files.add(List.of(f.path("role").asText(), f.path("path").asText(),
                f.path("bytes").isNumber() ? f.path("bytes").asText() : "missing",
                f.path("sha256").isTextual() ? f.path("sha256").asText() : "n/a")));
        StringBuilder html = new StringBuilder(Html.p("The process that trained the run, from " + ENVIRONMENT
                + " (written when training started; a resumed run records the latest process)."));
        html.append(Html.table(List.of("fact", "value"), rows));
        html.append(Html.h3("Data files"));
        html.append(files.isEmpty() ? Html.missing("No data files recorded.")
                : Html.table(List.of("job key", "file", "bytes", "SHA-256"), files));
        return new Section("environment", "Environment", html.toString());
    }
}

package dev.gated.cli.report.html;

import dev.gated.cli.doctor.Doctor;
import dev.gated.cli.doctor.Finding;
import dev.gated.cli.doctor.RunRecord;
import dev.gated.cli.report.HealthPlots;
import dev.gated.cli.report.Plots;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import java.util.List;
import java.util.Map;

/**
 * The sections about training itself: the curves of metrics.jsonl, the learning rate, the health charts of
 * health.jsonl, and what {@code gated doctor} finds ({@link Doctor}, the same rules and words).
 */
final class TrainingSections {
    private TrainingSections() {
    }

    static Section curves(RunFiles run) {
        List<Map<String, Double>> epochs = run.epochs();
        if (epochs.isEmpty()) {
            return new Section("curves", "Training and validation curves", Html.missing("No epoch rows ("
                    + MetricsLog.JSONL + " is missing or empty): no epoch finished."));
        }
        return new Section("curves", "Training and validation curves", Html.p("One point per epoch from "
                + MetricsLog.JSONL + " (" + epochs.size() + " epochs): the training and validation loss, then the "
                + "validation metrics.") + Html.image(Plots.trainingCurvesImage(epochs), "training and validation "
                + "curves"));
    }

    /** The learning rate per sampled step (health rows) when they have more points than the epochs, else per epoch. */
    static Section learningRate(RunFiles run) {
        List<Map<String, Double>> health = run.health();
        List<Map<String, Double>> epochs = run.epochs();
        boolean perStep = health.stream().filter(r -> r.containsKey("lr")).count()
                > epochs.stream().filter(r -> r.containsKey("lr")).count();
        List<Map<String, Double>> rows = perStep ? health : epochs;
        if (rows.stream().noneMatch(r -> r.containsKey("lr"))) {
            return new Section("learning-rate", "Learning rate", Html.missing("No learning rate recorded (no lr in "
                    + MetricsLog.JSONL + " or " + RunFolder.HEALTH_JSONL + ")."));
        }
        String source = perStep ? RunFolder.HEALTH_JSONL + ", at every sampled step" : MetricsLog.JSONL
                + ", per epoch";
        return new Section("learning-rate", "Learning rate", Html.p("The learning rate from " + source
                + " (after the schedule and any rollback).")
                + Html.image(Plots.learningRateImage(rows, perStep ? "step" : "epoch"), "learning rate"));
    }

    static Section health(RunFiles run) {
        List<Map<String, Double>> health = run.health();
        if (health.isEmpty()) {
            return new Section("health", "Training health", Html.missing("No health rows (" + RunFolder.HEALTH_JSONL
                    + " is missing or empty): training.health.every_steps was 0, or the run was shorter than one "
                    + "sample."));
        }
        return new Section("health", "Training health", Html.p(health.size() + " sampled steps from "
                + RunFolder.HEALTH_JSONL + " (also " + RunFolder.HEALTH_CSV + "): gradient norm per layer and gate, "
                + "the fraction of saturated gate activations, and the update ratio per layer.")
                + Html.image(HealthPlots.healthImage(health), "training health"));
    }

    /** {@code gated doctor}'s findings for the run folder. */
    static Section doctor(RunFiles run) {
        RunRecord record = RunRecord.load(run.dir());
        StringBuilder html = new StringBuilder(Html.p("What gated doctor finds in this run (the same rules as "
                + "gated doctor " + run.dir().getFileName() + ")."));
        if (!record.notes().isEmpty()) {
            html.append(Html.h3("Notes")).append(Html.list(record.notes()));
        }
        if (record.epochs().isEmpty() && record.health().isEmpty()) {
            return new Section("doctor", "Diagnosis", html.append(Html.missing("No epoch has finished, so there is "
                    + "nothing to diagnose.")).toString());
        }
        List<Finding> findings = Doctor.diagnose(record);
        if (findings.isEmpty()) {
            html.append("<p class=\"verdict good\">No problem found.</p>\n");
            html.append(Html.list(Doctor.healthyEvidence(record)));
        } else {
            html.append("<p class=\"verdict bad\">").append(findings.size())
                    .append(findings.size() == 1 ? " problem found." : " problems found.").append("</p>\n");
            for (int i = 0; i < findings.size(); i++) {
                Finding f = findings.get(i);
                html.append("<div class=\"finding\">").append(Html.h3((i + 1) + ". " + f.problem()));
                html.append("<p>Evidence:</p>").append(Html.list(f.evidence()));
                if (!f.settings().isEmpty()) {
                    html.append("<p>Try (in the job file or with --set):</p>").append(Html.list(f.settings()));
                }
                html.append("</div>\n");
            }
        }
        return new Section("doctor", "Diagnosis", html.toString());
    }
}

package dev.gated.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobConfigException;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code gated doctor} reads from a run folder: the epoch rows ({@code metrics.jsonl}), the health rows
 * ({@code health.jsonl}, absent when health was off), {@code summary.json} (absent until the run finished) and the
 * resolved job ({@code job.yaml}), and for forecasting the model-against-baselines report ({@code forecast.json}).
 *
 * @param notes what could not be read but did not stop the diagnosis
 */
public record RunRecord(Path runDir, List<Map<String, Double>> epochs, List<Map<String, Double>> health,
                        Map<String, Double> summary, Optional<JobConfig> job, Optional<JsonNode> forecast,
                        List<String> notes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads a run folder.
     *
     * @throws IllegalArgumentException when the folder does not exist or holds neither metrics nor a job
     * @throws UncheckedIOException     when a file exists but cannot be read or parsed
     */
    public static RunRecord load(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("RUN: " + runDir + " is not a folder; expected a run folder such as "
                    + "runs/NAME (with metrics.jsonl and job.yaml)");
        }
        Path metrics = runDir.resolve(MetricsLog.JSONL);
        Path jobFile = runDir.resolve(RunFolder.JOB);
        if (!Files.isRegularFile(metrics) && !Files.isRegularFile(jobFile)) {
            throw new IllegalArgumentException("RUN: " + runDir + " is not a run folder: it has neither "
                    + MetricsLog.JSONL + " nor " + RunFolder.JOB);
        }
        List<String> notes = new java.util.ArrayList<>();
        try {
            List<Map<String, Double>> epochs = MetricsLog.read(metrics);
            List<Map<String, Double>> health = MetricsLog.read(runDir.resolve(RunFolder.HEALTH_JSONL));
            Map<String, Double> summary = new LinkedHashMap<>();
            Path summaryFile = runDir.resolve(RunFolder.SUMMARY);
            if (Files.isRegularFile(summaryFile)) {
                JsonNode node = JSON.readTree(summaryFile.toFile());
                node.fields().forEachRemaining(e -> summary.put(e.getKey(), e.getValue().isNumber()
                        ? e.getValue().asDouble() : Double.NaN));
            } else {
                notes.add("no " + RunFolder.SUMMARY + ": the run has not finished (or was stopped)");
            }
            Optional<JobConfig> job = Optional.empty();
            if (Files.isRegularFile(jobFile)) {
                try {
                    job = Optional.of(JobFiles.loadRecorded(jobFile));
                } catch (JobConfigException e) {
                    notes.add(jobFile + " could not be read, so no setting is compared: " + e.getMessage());
                }
            } else {
                notes.add("no " + RunFolder.JOB + ": settings are suggested without knowing the current ones");
            }
            if (health.isEmpty()) {
                notes.add("no health rows (training.health.every_steps was 0 or the run is shorter): gradient per "
                        + "layer, saturation and update ratios are not checked");
            }
            Path forecastFile = runDir.resolve(RunFolder.FORECAST);
            Optional<JsonNode> forecast = Files.isRegularFile(forecastFile)
                    ? Optional.of(JSON.readTree(forecastFile.toFile())) : Optional.empty();
            return new RunRecord(runDir, epochs, health, summary, job, forecast, notes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run folder " + runDir + ": " + e.getMessage(), e);
        }
    }
}

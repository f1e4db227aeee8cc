package dev.gated.engine.train;

import dev.gated.engine.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run's folder ({@code output.dir/output.name}) and the files in it. A folder that already holds a run is
 * never written over unless the user asks: {@code --resume} continues it, {@code --overwrite} replaces it.
 */
public final class RunFolder {
    public static final String JOB = "job.yaml";
    public static final String MODEL = "model.safetensors";
    public static final String PREPROCESSING = "preprocessing.json";
    public static final String SUMMARY = "summary.json";
    /** Training health rows (gate gradient norms, update ratios, saturation), see {@code HealthProbe}. */
    public static final String HEALTH_JSONL = "health.jsonl";
    public static final String HEALTH_CSV = "health.csv";
    public static final String PREDICTIONS = "predictions.csv";
    /** Forecasting: the model and every baseline scored on the test split. */
    public static final String FORECAST = "forecast.json";
    public static final String SAMPLE = "sample.txt";
    /** Translation: every test sentence with its reference and both translations. */
    public static final String TRANSLATIONS = "translations.tsv";
    /** Translation: the attention weights of the first test sentences (the CLI plots them). */
    public static final String ATTENTION = "attention.json";
    /** The process that trained the run: versions, backend, threads, data files with SHA-256 (the CLI writes it). */
    public static final String ENVIRONMENT = "environment.json";
    /** The self-contained HTML run report (the CLI writes it). */
    public static final String REPORT = "report.html";

    /** What to do with a run folder that already exists. */
    public enum Resume {
        /** It is an error if the folder holds a run (unless overwriting). */
        NEVER,
        /** Continue from its newest valid checkpoint; it is an error if there is none. */
        REQUIRED,
        /** Continue if there is a checkpoint, start afresh otherwise (batch jobs that may be restarted). */
        AUTO
    }

    private RunFolder() {
    }

    /** Whether the folder exists and has anything in it. */
    static boolean inUse(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether the folder has at least one checkpoint file. */
    static boolean hasCheckpoint(Path dir) {
        Path cp = dir.resolve(CheckpointStore.DIRECTORY);
        if (!Files.isDirectory(cp)) {
            return false;
        }
        try (Stream<Path> s = Files.list(cp)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes a previous run's folder for {@code --overwrite}; refuses a folder that does not look like a run
     * (no {@value #JOB}), so a mistyped {@code output.dir} cannot wipe unrelated files.
     */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(JOB))) {
            throw new IllegalStateException("--overwrite: " + dir + " exists but is not a Gated run folder (it has no "
                    + JOB + "); refusing to delete it. Choose another output.dir or output.name");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--overwrite: cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}

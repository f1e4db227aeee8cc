package dev.gated.cli.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.train.MetricsLog;
import dev.gated.engine.train.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run folder as the report reads it. Every file is optional: a missing one is an empty {@link Optional} and
 * the section that needs it says so. A file that exists but cannot be parsed is an error of that section only
 * (see {@link RunReport}).
 */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    RunFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    boolean has(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    Optional<String> text(String name) {
        if (!has(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    Optional<byte[]> bytes(String name) {
        if (!has(name)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(dir.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    Optional<JsonNode> json(String name) {
        return text(name).map(t -> {
            try {
                return JSON.readTree(t);
            } catch (IOException e) {
                throw new IllegalArgumentException(dir.resolve(name) + ": not valid JSON: " + e.getMessage(), e);
            }
        });
    }

    /** The rows of a {@code .jsonl} metrics log; empty when the file is missing. */
    List<Map<String, Double>> rows(String name) {
        try {
            return MetricsLog.read(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    List<Map<String, Double>> epochs() {
        return rows(MetricsLog.JSONL);
    }

    List<Map<String, Double>> health() {
        return rows(RunFolder.HEALTH_JSONL);
    }

    /** summary.json's numbers in file order (a null or non-number as NaN); empty when missing. */
    Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>();
        json(RunFolder.SUMMARY).ifPresent(n -> n.fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN)));
        return out;
    }

    /** The note of a task page whose test predictions are not there. */
    static String noPredictions() {
        return Html.missing("No " + RunFolder.PREDICTIONS + " in the run folder: the run has no test split, or has "
                + "not finished.");
    }

    /** A CSV or TSV file of the run (predictions.csv, translations.tsv), when present. */
    Optional<CsvParser.Table> table(String name) {
        return has(name) ? Optional.of(CsvParser.readDelimitedTable(dir.resolve(name))) : Optional.empty();
    }
}

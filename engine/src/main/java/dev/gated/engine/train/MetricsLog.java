package dev.gated.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-epoch metrics of a run, as JSON lines ({@code metrics.jsonl}, one object per epoch) and as CSV
 * ({@code metrics.csv}, one column per metric, the header taken from the first row). Every row has {@code epoch}
 * and {@code step}; a resumed run first drops the rows written after its checkpoint, so the files never hold an
 * epoch twice.
 */
public final class MetricsLog {
    public static final String JSONL = "metrics.jsonl";
    public static final String CSV = "metrics.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jsonl;
    private final Path csv;
    private final List<Map<String, Double>> rows = new ArrayList<>();

    private MetricsLog(Path runDir, String jsonlName, String csvName) {
        this.jsonl = runDir.resolve(jsonlName);
        this.csv = runDir.resolve(csvName);
    }

    /** A log for a new run (the files are created with the first row). */
    static MetricsLog create(Path runDir) {
        return create(runDir, JSONL, CSV);
    }

    /** A log of rows with {@code epoch} and {@code step} in other files of the run folder (health rows). */
    static MetricsLog create(Path runDir, String jsonlName, String csvName) {
        return new MetricsLog(runDir, jsonlName, csvName);
    }

    /** The log of a resumed run, keeping the rows up to and including {@code step}; both files are rewritten. */
    static MetricsLog resume(Path runDir, long step) throws IOException {
        return resume(runDir, step, JSONL, CSV);
    }

    /** As {@link #resume(Path, long)} for the files named. */
    static MetricsLog resume(Path runDir, long step, String jsonlName, String csvName) throws IOException {
        MetricsLog log = new MetricsLog(runDir, jsonlName, csvName);
        log.rows.addAll(read(log.jsonl));
        log.truncateAfter(step);
        return log;
    }

    /** Drops the rows written after {@code step} (a resume or a rollback to a checkpoint); rewrites both files. */
    void truncateAfter(long step) throws IOException {
        rows.removeIf(row -> row.getOrDefault("step", 0.0) > step);
        if (rows.isEmpty() && !Files.exists(jsonl)) {
            return; // nothing was ever written (health rows switched off): leave no empty files behind
        }
        StringBuilder j = new StringBuilder();
        for (Map<String, Double> row : rows) {
            j.append(jsonLine(row));
        }
        AtomicFiles.write(jsonl, j.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder c = new StringBuilder();
        if (!rows.isEmpty()) {
            List<String> header = List.copyOf(rows.get(0).keySet());
            c.append(String.join(",", header)).append('\n');
            for (Map<String, Double> row : rows) {
                c.append(csvLine(header, row));
            }
        }
        AtomicFiles.write(csv, c.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The rows of a {@code metrics.jsonl} file (empty if it does not exist). */
    public static List<Map<String, Double>> read(Path jsonl) throws IOException {
        List<Map<String, Double>> out = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return out;
        }
        int line = 0;
        for (String text : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(text);
                Map<String, Double> row = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue().isNumber()
                        ? e.getValue().asDouble() : Double.NaN));
                out.add(row);
            } catch (JsonProcessingException e) {
                // A line cut short by a crash mid-write is expected at the end; anything else is reported.
                throw new IOException(jsonl + ":" + line + ": expected one JSON object per line, found '"
                        + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'", e);
            }
        }
        return out;
    }

    /** Appends one row to both files. */
    void append(Map<String, Double> row) {
        try {
            Files.createDirectories(jsonl.getParent());
            Files.writeString(jsonl, jsonLine(row), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            List<String> header = rows.isEmpty() ? List.copyOf(row.keySet()) : List.copyOf(rows.get(0).keySet());
            String text = (rows.isEmpty() ? String.join(",", header) + "\n" : "") + csvLine(header, row);
            Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    rows.isEmpty() ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics of " + jsonl.getParent() + ": " + e.getMessage(), e);
        }
        rows.add(new LinkedHashMap<>(row));
    }

    /** The rows so far, oldest first. */
    List<Map<String, Double>> rows() {
        return List.copyOf(rows);
    }

    private static String jsonLine(Map<String, Double> row) {
        ObjectNode o = JSON.createObjectNode();
        row.forEach((k, v) -> {
            if (k.equals("epoch") || k.equals("step")) {
                o.put(k, v.longValue());
            } else if (Double.isFinite(v)) {
                o.put(k, v);
            } else {
                o.putNull(k); // JSON has no NaN
            }
        });
        return o + "\n";
    }

    private static String csvLine(List<String> header, Map<String, Double> row) {
        List<String> cells = new ArrayList<>();
        for (String k : header) {
            Double v = row.get(k);
            cells.add(v == null ? "" : k.equals("epoch") || k.equals("step") ? Long.toString(v.longValue())
                    : String.format(Locale.ROOT, "%.8g", v));
        }
        return String.join(",", cells) + "\n";
    }
}

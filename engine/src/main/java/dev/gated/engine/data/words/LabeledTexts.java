package dev.gated.engine.data.words;

import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.DataFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The texts of a CSV or TSV file (tab-separated when the name ends in {@code .tsv}, else comma-separated with
 * RFC 4180 quotes; TSV fields are taken as they are, quotes included), one example per row, and their labels.
 *
 * @param source the file, as messages name it
 * @param texts  the text column's cells, untrimmed
 * @param labels the label column's cells, trimmed; empty when the file has no label column (prediction input)
 * @param lines  the 1-based line each row starts on
 */
public record LabeledTexts(String source, List<String> texts, List<String> labels, List<Integer> lines) {
    public LabeledTexts {
        texts = List.copyOf(texts);
        labels = List.copyOf(labels);
        lines = List.copyOf(lines);
    }

    /**
     * Reads the file.
     *
     * @param labelColumn the label column; required (an error naming the columns when absent) unless
     *                    {@code labelsOptional}
     * @throws DataFormatException naming the file, line and column: a missing column, a row with another number of
     *         fields than the header, an empty label
     */
    public static LabeledTexts read(Path file, String textColumn, String labelColumn, boolean labelsOptional) {
        CsvParser.Table table = CsvParser.readDelimitedTable(file);
        int textCol = table.column(textColumn);
        Optional<Integer> labelCol = labelsOptional ? table.optionalColumn(labelColumn)
                : Optional.of(table.column(labelColumn));
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (CsvParser.Record r : table.rows()) {
            texts.add(r.fields().get(textCol));
            lines.add(r.line());
            if (labelCol.isPresent()) {
                String label = r.fields().get(labelCol.get()).trim();
                if (label.isEmpty()) {
                    throw new DataFormatException(table.where(r, labelCol.get()) + "expected a class label, found "
                            + "an empty cell");
                }
                labels.add(label);
            }
        }
        return new LabeledTexts(file.toString(), texts, labels, lines);
    }

    public int size() {
        return texts.size();
    }

    public boolean hasLabels() {
        return !labels.isEmpty();
    }
}

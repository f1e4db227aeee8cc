package dev.gated.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Attention heat maps of a translation: one row per output token (top to bottom, in order), one column per source
 * token (left to right), each cell the weight the decoder gave that source token when it wrote that output token.
 * Drawn by {@link Heatmaps}, like the confusion matrix of {@link Plots}; written as {@link Plots} writes its images.
 */
public final class AttentionPlots {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AttentionPlots() {
    }

    /** The name of the {@code index}-th (1-based) attention plot: {@code attention-1.png}, ... */
    public static String fileName(int index) {
        return "attention-" + index + ".png";
    }

    /**
     * Draws one sentence's attention weights.
     *
     * @param source  the source tokens as the model read them (the columns)
     * @param output  the output tokens, {@code <eos>} included when the decoder wrote it (the rows)
     * @param weights {@code weights[output][source]}, one row per output token, each as long as {@code source}
     * @param line    the sentence's line number (in the data or input file), or null when there is none; it goes
     *                into the title
     * @param png     the image to write (replaced if it exists; its folder is created if missing)
     * @return {@code png}
     * @throws IllegalArgumentException if there are no tokens or weights, or their shapes do not match
     * @throws IOException              if the image cannot be written
     */
    public static Path attention(List<String> source, List<String> output, float[][] weights, Integer line, Path png)
            throws IOException {
        Objects.requireNonNull(png, "png");
        if (source == null || output == null || weights == null) {
            throw new IllegalArgumentException("attention: source, output and weights must not be null");
        }
        if (source.isEmpty() || output.isEmpty()) {
            throw new IllegalArgumentException("attention: no source or no output tokens to plot");
        }
        if (weights.length != output.size()) {
            throw new IllegalArgumentException("attention: " + weights.length + " rows of weights for "
                    + output.size() + " output tokens");
        }
        double[][] values = new double[weights.length][];
        double max = 0;
        for (int r = 0; r < weights.length; r++) {
            if (weights[r] == null || weights[r].length != source.size()) {
                throw new IllegalArgumentException("attention: row " + r + " has "
                        + (weights[r] == null ? 0 : weights[r].length) + " weights for " + source.size()
                        + " source tokens");
            }
            values[r] = new double[source.size()];
            for (int c = 0; c < source.size(); c++) {
                float w = weights[r][c];
                values[r][c] = Float.isFinite(w) ? w : 0;
                max = Math.max(max, values[r][c]);
            }
        }
        int cols = source.size();
        int rows = output.size();
        int[] size = size(cols, rows);
        int longest = 0;
        for (String s : source) {
            longest = Math.max(longest, s.length());
        }
        boolean small = cols <= 16 && rows <= 16;
        Heatmaps.Style style = new Heatmaps.Style(size[0], size[1], small ? "0.00" : null, cols <= 10 ? 11 : 9,
                cols > 8 || longest > 6 ? 45 : 0);
        String title = line == null ? "attention" : "attention, line " + line;
        // Weights are probabilities: the colours run from 0 to 1 (or the largest weight, if some sum is off).
        return Plots.writePng(Heatmaps.draw(title, "source", "output", source, output, values, 0,
                Math.max(1.0, max), style), png);
    }

    /** Width and height of an attention plot with {@code cols} source and {@code rows} output tokens. */
    static int[] size(int cols, int rows) {
        int cell = Math.max(14, Math.min(60, 720 / Math.max(cols, rows)));
        return new int[] {Math.max(480, cell * cols + 260), Math.max(360, cell * rows + 190)};
    }

    /**
     * Draws every sentence of a translation run's {@code attention.json}
     * ({@code {"sentences": [{"line", "source", "output", "weights"}]}}) into {@code dir}: {@code attention-1.png},
     * {@code attention-2.png}, ... in the file's order.
     *
     * @return the images written; none when the file does not exist
     * @throws IOException if the file cannot be read or an image cannot be written
     * @throws IllegalArgumentException if the file is not of that form
     */
    public static List<Path> fromJson(Path attentionJson, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isRegularFile(attentionJson)) {
            return files;
        }
        JsonNode root = JSON.readTree(attentionJson.toFile());
        JsonNode sentences = root == null ? null : root.get("sentences");
        if (sentences == null || !sentences.isArray()) {
            throw new IllegalArgumentException(attentionJson + ": expected {\"sentences\": [...]}");
        }
        int i = 0;
        for (JsonNode s : sentences) {
            i++;
            JsonNode line = s.get("line");
            List<String> source = strings(s.get("source"));
            List<String> output = strings(s.get("output"));
            JsonNode w = s.get("weights");
            float[][] weights = new float[w == null || !w.isArray() ? 0 : w.size()][];
            for (int r = 0; r < weights.length; r++) {
                JsonNode row = w.get(r);
                weights[r] = new float[row.size()];
                for (int c = 0; c < row.size(); c++) {
                    weights[r][c] = (float) row.get(c).asDouble(Double.NaN);
                }
            }
            try {
                files.add(attention(source, output, weights, line != null && line.canConvertToInt() ? line.asInt()
                        : null, dir.resolve(fileName(i))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(attentionJson + ": sentence " + i + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}

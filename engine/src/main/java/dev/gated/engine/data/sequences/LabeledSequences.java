package dev.gated.engine.data.sequences;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.timeseries.CsvParser;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.data.timeseries.NanPolicy;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Sequence classification data from a CSV file in "long" format: one row per time step, a column naming the
 * sequence the row belongs to, numeric feature columns, and a label column holding the sequence's class.
 *
 * <pre>
 * sequence,x1,x2,label
 * a,0.1,1.0,walk
 * a,0.2,1.1,walk
 * b,0.5,0.9,run
 * </pre>
 *
 * <p>Rules, each broken rule a {@link DataFormatException} naming file, line and column:
 * <ul>
 *   <li>the rows of a sequence are contiguous, in time order; sequences keep file order;</li>
 *   <li>every row of a sequence has the same label (the text, trimmed);</li>
 *   <li>features are numbers; missing values (empty, {@code nan}, {@code inf}) follow the {@link NanPolicy}:
 *       {@code error} stops, {@code drop} removes that step from its sequence (a sequence left with no step is
 *       removed, {@link #droppedSequences()}), {@code interpolate} fills each gap linearly between the valid
 *       steps of the same sequence around it, and a gap at a sequence's start or end with its nearest valid value
 *       (a sequence with no valid value of a feature is an error);</li>
 *   <li>with {@code maxLength}, a longer sequence keeps its <em>last</em> {@code maxLength} steps (Keras'
 *       {@code pad_sequences(truncating='pre')}), after missing values were handled; {@link #truncated()} counts
 *       them.</li>
 * </ul>
 *
 * <p>Classes: for training ({@code classes} empty) they are the distinct labels, sorted (numerically if every
 * label is an integer, otherwise as strings), and class {@code c} is {@code classes().get(c)}. For prediction with
 * a trained model pass its classes: a label outside them is an error, and the label column may be absent, in
 * which case {@link #hasLabels()} is false, {@link #label(int)} is -1 and {@link #batch} puts class 0 as every
 * sequence's label (a placeholder, never to be scored).
 *
 * <p>{@link #batch} pads the chosen sequences with zeros to the longest of them and gives one label per sequence.
 */
public final class LabeledSequences implements Dataset {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private final String source;
    private final List<String> inputColumns;
    private final List<String> classes;
    private final boolean hasLabels;
    private final List<String> ids;
    private final FeatureSequences features;
    /** Class of each sequence, or -1 without labels. */
    private final int[] labels;
    /** Steps of each sequence before truncation (after missing values were handled). */
    private final int[] fullLengths;
    private final int droppedRows;
    private final int droppedSequences;
    private final int interpolated;

    private LabeledSequences(String source, List<String> inputColumns, List<String> classes, boolean hasLabels,
                             List<String> ids, FeatureSequences features, int[] labels, int[] fullLengths,
                             int droppedRows, int droppedSequences, int interpolated) {
        this.source = source;
        this.inputColumns = List.copyOf(inputColumns);
        this.classes = List.copyOf(classes);
        this.hasLabels = hasLabels;
        this.ids = List.copyOf(ids);
        this.features = features;
        this.labels = labels;
        this.fullLengths = fullLengths;
        this.droppedRows = droppedRows;
        this.droppedSequences = droppedSequences;
        this.interpolated = interpolated;
    }

    /**
     * Reads a long-format CSV file.
     *
     * @param csv            the file (UTF-8, a header row, then one row per step)
     * @param sequenceColumn the column naming each row's sequence
     * @param inputColumns   the feature columns, in the model's input order (at least one, distinct)
     * @param labelColumn    the column holding each sequence's class; may be absent from the file (or null) only
     *                       when {@code classes} is given
     * @param maxLength      keep at most this many (the last) steps of each sequence
     * @param nanPolicy      what to do with missing feature values
     * @param classes        a trained model's classes, in its output order; empty to take them from the labels
     * @throws DataFormatException for bad content, naming file, line and column
     */
    public static LabeledSequences read(Path csv, String sequenceColumn, List<String> inputColumns,
                                        String labelColumn, Optional<Integer> maxLength, NanPolicy nanPolicy,
                                        Optional<List<String>> classes) {
        checkArguments(sequenceColumn, inputColumns, maxLength, nanPolicy, classes);
        CsvParser.Table table = CsvParser.readTable(csv);
        int seqCol = table.column(sequenceColumn);
        int[] inCols = inputColumns.stream().mapToInt(table::column).toArray();
        Optional<Integer> labelCol = labelColumn == null ? Optional.empty() : table.optionalColumn(labelColumn);
        if (labelCol.isEmpty() && classes.isEmpty()) {
            if (labelColumn == null) {
                throw new IllegalArgumentException("labelColumn: required unless the model's classes are given");
            }
            table.column(labelColumn); // throws the "expected a column named ..." error
        }

        List<RawSequence> raw = group(table, seqCol, inCols, labelCol.orElse(-1), nanPolicy);
        if (classes.isPresent() && labelCol.isPresent()) {
            for (RawSequence s : raw) {
                if (!classes.get().contains(s.label)) {
                    throw new DataFormatException(table.where(s.first, labelCol.get()) + "expected one of the "
                            + "model's " + classes.get().size() + " classes " + CsvParser.quoteAll(classes.get())
                            + ", found '" + s.label + "' (label of sequence '" + s.id + "')");
                }
            }
        }

        List<RawSequence> kept = new ArrayList<>();
        List<float[]> steps = new ArrayList<>();
        int[] fullLengths = new int[raw.size()];
        int droppedRows = 0;
        int interpolated = 0;
        int in = inCols.length;
        for (RawSequence s : raw) {
            double[] v = Arrays.copyOf(s.values, s.steps * in);
            int n = s.steps;
            if (nanPolicy == NanPolicy.DROP) {
                n = dropMissingSteps(v, n, in);
                droppedRows += s.steps - n;
                if (n == 0) {
                    continue;
                }
            } else if (nanPolicy == NanPolicy.INTERPOLATE) {
                for (int i = 0; i < in; i++) {
                    int filled = interpolate(v, n, in, i);
                    if (filled < 0) {
                        throw new DataFormatException(table.source() + ":" + s.first.line() + "-" + s.lastLine
                                + ": column " + (inCols[i] + 1) + " ('" + inputColumns.get(i) + "'): expected at "
                                + "least one value in sequence '" + s.id + "' to interpolate from, found only "
                                + "missing values (fix the data or use nan_policy drop)");
                    }
                    interpolated += filled;
                }
            }
            // keep the last maxLength steps, the ones nearest the label's decision
            int keep = maxLength.isPresent() ? Math.min(maxLength.get(), n) : n;
            float[] f = new float[keep * in];
            for (int j = 0; j < f.length; j++) {
                f[j] = (float) v[(n - keep) * in + j];
            }
            fullLengths[kept.size()] = n;
            kept.add(s);
            steps.add(f);
        }
        if (kept.isEmpty()) {
            throw new DataFormatException(table.source() + ": expected at least one sequence with a step that has a "
                    + "value in every feature column " + inputColumns + ", found none (all " + raw.size()
                    + " sequences dropped by nan_policy drop)");
        }

        // classes of the sequences kept, so that no class is left without an example
        List<String> classList = classes.orElseGet(() -> sortedLabels(kept));
        Map<String, Integer> classIndex = new HashMap<>();
        for (int c = 0; c < classList.size(); c++) {
            classIndex.put(classList.get(c), c);
        }
        int[] labels = new int[kept.size()];
        List<String> ids = new ArrayList<>(kept.size());
        for (int k = 0; k < labels.length; k++) {
            labels[k] = labelCol.isPresent() ? classIndex.get(kept.get(k).label) : -1;
            ids.add(kept.get(k).id);
        }
        return new LabeledSequences(table.source(), inputColumns, classList, labelCol.isPresent(), ids,
                new FeatureSequences(in, steps.toArray(new float[0][])), labels,
                Arrays.copyOf(fullLengths, kept.size()), droppedRows, raw.size() - kept.size(), interpolated);
    }

    private static void checkArguments(String sequenceColumn, List<String> inputColumns, Optional<Integer> maxLength,
                                       NanPolicy nanPolicy, Optional<List<String>> classes) {
        if (sequenceColumn == null) {
            throw new IllegalArgumentException("sequenceColumn: required, got null");
        }
        if (inputColumns == null || inputColumns.isEmpty()) {
            throw new IllegalArgumentException("inputColumns: expected at least one feature column, got none");
        }
        if (new HashSet<>(inputColumns).size() != inputColumns.size()) {
            throw new IllegalArgumentException("inputColumns: expected distinct column names, got " + inputColumns);
        }
        if (maxLength.isPresent() && maxLength.get() < 1) {
            throw new IllegalArgumentException("maxLength: expected >= 1, got " + maxLength.get());
        }
        if (nanPolicy == null) {
            throw new IllegalArgumentException("nanPolicy: required, got null");
        }
        if (classes.isPresent()) {
            List<String> c = classes.get();
            if (c.isEmpty() || new HashSet<>(c).size() != c.size()) {
                throw new IllegalArgumentException("classes: expected at least one class and no repeats, got " + c);
            }
        }
    }

    /** The rows of one sequence as read, before missing values are handled. */
    private static final class RawSequence {
        final String id;
        final CsvParser.Record first;
        final String label;
        int lastLine;
        int steps;
        double[] values;

        RawSequence(String id, CsvParser.Record first, String label, int inputSize) {
            this.id = id;
            this.first = first;
            this.label = label;
            this.values = new double[8 * inputSize];
        }

        void add(double[] row, int line) {
            if ((steps + 1) * row.length > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            System.arraycopy(row, 0, values, steps * row.length, row.length);
            steps++;
            lastLine = line;
        }
    }

    /** Reads the rows into sequences, checking contiguity, one label per sequence and the feature cells. */
    private static List<RawSequence> group(CsvParser.Table table, int seqCol, int[] inCols, int labelCol,
                                           NanPolicy policy) {
        List<RawSequence> out = new ArrayList<>();
        Map<String, RawSequence> seen = new HashMap<>();
        RawSequence current = null;
        for (CsvParser.Record row : table.rows()) {
            String id = row.fields().get(seqCol).trim();
            if (id.isEmpty()) {
                throw new DataFormatException(table.where(row, seqCol) + "expected a sequence id, found an empty "
                        + "cell");
            }
            String label = null;
            if (labelCol >= 0) {
                label = row.fields().get(labelCol).trim();
                if (label.isEmpty()) {
                    throw new DataFormatException(table.where(row, labelCol) + "expected a label, found an empty "
                            + "cell");
                }
            }
            if (current == null || !current.id.equals(id)) {
                RawSequence earlier = seen.get(id);
                if (earlier != null) {
                    throw new DataFormatException(table.where(row, seqCol) + "expected the rows of sequence '" + id
                            + "' to be contiguous, found it again after sequence '" + current.id + "' (its rows "
                            + "ended on line " + earlier.lastLine + ")");
                }
                current = new RawSequence(id, row, label, inCols.length);
                seen.put(id, current);
                out.add(current);
            } else if (label != null && !label.equals(current.label)) {
                throw new DataFormatException(table.where(row, labelCol) + "expected the label '" + current.label
                        + "' of sequence '" + id + "' (as on line " + current.first.line() + "), found '" + label
                        + "'; every row of a sequence must have the same label");
            }
            double[] values = new double[inCols.length];
            for (int i = 0; i < inCols.length; i++) {
                values[i] = table.number(row, inCols[i], policy);
            }
            current.add(values, row.line());
        }
        return out;
    }

    /** The distinct labels sorted numerically when all are integers, otherwise as strings. */
    private static List<String> sortedLabels(List<RawSequence> raw) {
        Set<String> distinct = new LinkedHashSet<>();
        for (RawSequence s : raw) {
            distinct.add(s.label);
        }
        return sortedClasses(distinct);
    }

    /**
     * The distinct labels as classes: sorted numerically when all are integers, otherwise as strings (class
     * {@code c} is element {@code c}); what every classification data kind uses.
     */
    public static List<String> sortedClasses(java.util.Collection<String> labels) {
        Set<String> distinct = new LinkedHashSet<>(labels);
        boolean numeric = distinct.stream().allMatch(l -> INTEGER.matcher(l).matches());
        Comparator<String> order = numeric
                ? Comparator.comparing((String l) -> new BigInteger(l.startsWith("+") ? l.substring(1) : l))
                        .thenComparing(Comparator.naturalOrder())
                : Comparator.naturalOrder();
        TreeSet<String> sorted = new TreeSet<>(order);
        sorted.addAll(distinct);
        return List.copyOf(sorted);
    }

    /** Moves the steps without a NaN to the front of {@code v} (n steps of I values); returns how many. */
    private static int dropMissingSteps(double[] v, int n, int in) {
        int kept = 0;
        for (int t = 0; t < n; t++) {
            boolean ok = true;
            for (int i = 0; i < in; i++) {
                ok &= !Double.isNaN(v[t * in + i]);
            }
            if (ok) {
                System.arraycopy(v, t * in, v, kept * in, in);
                kept++;
            }
        }
        return kept;
    }

    /**
     * Fills the NaNs of feature {@code i} over the n steps of one sequence: linearly between the valid steps around
     * a gap, with the nearest valid value at either end. Returns the number filled, or -1 if there is no valid value.
     */
    private static int interpolate(double[] v, int n, int in, int i) {
        int prev = -1; // last valid step seen
        int filled = 0;
        for (int t = 0; t <= n; t++) {
            if (t < n && Double.isNaN(v[t * in + i])) {
                continue;
            }
            // steps (prev, t) are a gap; t == n closes a trailing one
            if (t == n && prev < 0) {
                return -1;
            }
            for (int g = prev + 1; g < t; g++) {
                double a = prev < 0 ? v[t * in + i] : v[prev * in + i];
                double b = t == n ? a : v[t * in + i];
                v[g * in + i] = prev < 0 || t == n ? a : a + (b - a) * (g - prev) / (t - prev);
                filled++;
            }
            prev = t;
        }
        return filled;
    }

    /** The file the sequences were read from. */
    public String source() {
        return source;
    }

    /** The feature columns, in input order. */
    public List<String> inputColumns() {
        return inputColumns;
    }

    /** The class names; class {@code c} (a model output) is {@code classes().get(c)}. */
    public List<String> classes() {
        return classes;
    }

    /** False when the file had no label column (prediction input); then {@link #label} is -1. */
    public boolean hasLabels() {
        return hasLabels;
    }

    /** The sequence ids, in order. */
    public List<String> sequenceIds() {
        return ids;
    }

    /** The features, one sequence per example. */
    public FeatureSequences features() {
        return features;
    }

    /** Steps of sequence {@code k} (after truncation). */
    public int length(int k) {
        return features.length(k);
    }

    /** Class of sequence {@code k}, or -1 without labels. */
    public int label(int k) {
        FeatureSequences.checkIndex(k, labels.length, "sequence");
        return labels[k];
    }

    /** Number of these sequences that were longer than {@code maxLength} and lost their first steps. */
    public int truncated() {
        int n = 0;
        for (int k = 0; k < fullLengths.length; k++) {
            n += fullLengths[k] > features.length(k) ? 1 : 0;
        }
        return n;
    }

    /** Rows (steps) of the file removed by nan_policy drop. */
    public int droppedRows() {
        return droppedRows;
    }

    /** Sequences of the file removed by nan_policy drop because none of their steps was complete. */
    public int droppedSequences() {
        return droppedSequences;
    }

    /** Cells of the file filled by nan_policy interpolate. */
    public int interpolated() {
        return interpolated;
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public int inputSize() {
        return features.inputSize();
    }

    /** The number of classes. */
    @Override
    public int outputSize() {
        return classes.size();
    }

    /** The sequences {@code indices[0]}, {@code indices[1]}, ... (e.g. a train or validation part). */
    public LabeledSequences subset(int[] indices) {
        FeatureSequences f = features.subset(indices);
        List<String> subIds = new ArrayList<>(indices.length);
        int[] subLabels = new int[indices.length];
        int[] subFull = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            subIds.add(ids.get(indices[j]));
            subLabels[j] = labels[indices[j]];
            subFull[j] = fullLengths[indices[j]];
        }
        return new LabeledSequences(source, inputColumns, classes, hasLabels, subIds, f, subLabels, subFull,
                droppedRows, droppedSequences, interpolated);
    }

    /** Per feature, the mean ({@code [0]}) and population std ({@code [1]}) over every step of every sequence. */
    public double[][] featureMeanStd() {
        return features.meanStd();
    }

    /** The same sequences with each feature mapped to {@code (v - mean) / std} (a std of 0 counts as 1). */
    public LabeledSequences standardized(double[] mean, double[] std) {
        return new LabeledSequences(source, inputColumns, classes, hasLabels, ids, features.standardized(mean, std),
                labels, fullLengths, droppedRows, droppedSequences, interpolated);
    }

    /**
     * The chosen sequences padded with zeros to the longest of them: x [T, B, I] sequence-major, one label per
     * sequence (0 for every sequence when {@link #hasLabels()} is false).
     */
    @Override
    public SequenceBatch batch(int[] indices) {
        FeatureSequences.Padded p = features.pad(indices);
        int[] batchLabels = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            batchLabels[j] = hasLabels ? labels[indices[j]] : 0;
        }
        return SequenceBatch.ofLabels(p.seqLength(), indices.length, features.inputSize(), classes.size(), p.x(),
                p.lengths(), batchLabels);
    }

    @Override
    public String toString() {
        return "LabeledSequences(" + source + ": " + size() + " sequences, " + inputSize() + " features, "
                + classes.size() + " classes)";
    }
}

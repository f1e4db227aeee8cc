package dev.gated.engine.data.arrays;

import dev.gated.engine.data.Dataset;
import dev.gated.engine.data.SequenceBatch;
import dev.gated.engine.data.sequences.FeatureSequences;
import dev.gated.engine.data.timeseries.DataFormatException;
import dev.gated.engine.io.ElementType;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.Npy;
import dev.gated.engine.io.TensorFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Ready-made arrays from a directory of NumPy {@code .npy} files (as {@code numpy.save} writes them):
 * <ul>
 *   <li>{@code x.npy}: the inputs, shape (N, T, I), float32 or float64;</li>
 *   <li>{@code y.npy}: the targets: for regression (N, O) or (N,) (then O = 1), float32 or float64; for
 *       classification (N,) class indices &ge; 0, int32 or int64, and the classes are 0 .. max(y), named
 *       {@code "0"}, {@code "1"}, ...;</li>
 *   <li>{@code lengths.npy} (optional): each sequence's length, shape (N,), int32 or int64, in [1, T]; without it
 *       every sequence has T steps. Values of x past a sequence's length are ignored (they may be anything).</li>
 * </ul>
 * Every problem (a missing file, a wrong dtype or shape, N differing between files, a length out of range, NaN or
 * Inf in x at a valid step or in y) is a {@link DataFormatException} naming the file, the array, what was expected
 * and what was found.
 *
 * <p>{@link #batch} pads the chosen sequences with zeros to the longest of them; its targets are y [B, O]
 * (regression) or one label per sequence (classification).
 */
public final class NpyArrays implements Dataset {
    private final Path dir;
    private final FeatureSequences features;
    private final boolean classification;
    private final boolean hasTargets;
    private final int outputSize;
    /** Regression targets [N, O], or null. */
    private final float[] y;
    /** Classification targets [N], or null. */
    private final int[] labels;

    private NpyArrays(Path dir, FeatureSequences features, boolean classification, boolean hasTargets,
                      int outputSize, float[] y, int[] labels) {
        this.dir = dir;
        this.features = features;
        this.classification = classification;
        this.hasTargets = hasTargets;
        this.outputSize = outputSize;
        this.y = y;
        this.labels = labels;
    }

    /**
     * Reads {@code x.npy}, {@code y.npy} and the optional {@code lengths.npy} of a directory.
     *
     * @param classification whether y holds class indices (else regression values)
     */
    public static NpyArrays read(Path dir, boolean classification) {
        Inputs in = readInputsOf(dir);
        Path file = dir.resolve("y.npy");
        String shapes = classification ? "(N=" + in.n + ",)" : "(N=" + in.n + ",) or (" + in.n + ", O)";
        String dtypes = classification ? "int32 or int64 class indices" : "float32 or float64";
        String expected = "y of shape " + shapes + " as " + dtypes + " with N matching x.npy " + in.xShape;
        HostTensor t = load(file, expected).orElseThrow(() -> fail(file, expected, "no such file"));
        int[] dims = t.shape().dims();
        if (t.type().isFloating() == classification) {
            throw fail(file, expected, dtypeName(t.type()) + (classification
                    ? " (save the class indices as integers, e.g. y.astype('int64'))" : ""));
        }
        boolean shapeOk = dims.length >= 1 && dims[0] == in.n
                && (dims.length == 1 || (!classification && dims.length == 2 && dims[1] >= 1));
        if (!shapeOk) {
            throw fail(file, expected, shapeText(dims));
        }
        if (classification) {
            long[] v = t.toLongArray();
            int[] labels = new int[in.n];
            long max = 0;
            for (int k = 0; k < in.n; k++) {
                if (v[k] < 0 || v[k] >= Integer.MAX_VALUE) {
                    throw fail(file, "class indices in [0, " + (Integer.MAX_VALUE - 1) + "] in y", v[k] + " at y["
                            + k + "]");
                }
                labels[k] = (int) v[k];
                max = Math.max(max, v[k]);
            }
            return new NpyArrays(dir, in.features, true, true, (int) max + 1, null, labels);
        }
        float[] y = t.toFloatArray();
        int o = dims.length == 1 ? 1 : dims[1];
        for (int j = 0; j < y.length; j++) {
            if (!Float.isFinite(y[j])) {
                String at = o == 1 && dims.length == 1 ? "y[" + j + "]" : "y[" + j / o + ", " + j % o + "]";
                throw fail(file, "finite values in y" + float32Note(t.type()), y[j] + " at " + at);
            }
        }
        return new NpyArrays(dir, in.features, false, true, o, y, null);
    }

    /**
     * Reads only {@code x.npy} and the optional {@code lengths.npy}, for prediction: {@link #hasTargets()} is false,
     * {@link #outputSize()} is 1 (a placeholder: the model decides the real width) and batches carry zero targets
     * y [B, 1], never to be scored.
     */
    public static NpyArrays readInputs(Path dir) {
        Inputs in = readInputsOf(dir);
        return new NpyArrays(dir, in.features, false, false, 1, new float[in.n], null);
    }

    /** x and lengths as sequences, with what messages about y need to know of them. */
    private record Inputs(FeatureSequences features, int n, String xShape) {
    }

    private static Inputs readInputsOf(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("dir: required, got null");
        }
        Path xFile = dir.resolve("x.npy");
        String expected = "x of shape (N, T, I) as float32 or float64 with N, T, I >= 1";
        HostTensor x = load(xFile, expected).orElseThrow(() -> fail(xFile, expected, "no such file"));
        int[] d = x.shape().dims();
        if (!x.type().isFloating()) {
            throw fail(xFile, expected, dtypeName(x.type()));
        }
        if (d.length != 3 || d[0] < 1 || d[1] < 1 || d[2] < 1) {
            throw fail(xFile, expected, shapeText(d));
        }
        int n = d[0];
        int t = d[1];
        int in = d[2];
        String xShape = shapeText(d);

        int[] lengths = new int[n];
        Arrays.fill(lengths, t);
        Path lFile = dir.resolve("lengths.npy");
        String lExpected = "lengths of shape (N=" + n + ",) as int32 or int64 with N matching x.npy " + xShape;
        Optional<HostTensor> l = Files.exists(lFile) ? load(lFile, lExpected) : Optional.empty();
        if (l.isPresent()) {
            HostTensor lt = l.get();
            if (lt.type().isFloating()) {
                throw fail(lFile, lExpected, dtypeName(lt.type()));
            }
            int[] ld = lt.shape().dims();
            if (ld.length != 1 || ld[0] != n) {
                throw fail(lFile, lExpected, shapeText(ld));
            }
            long[] v = lt.toLongArray();
            for (int k = 0; k < n; k++) {
                if (v[k] < 1 || v[k] > t) {
                    throw fail(lFile, "lengths in [1, T=" + t + "] for x.npy " + xShape, v[k] + " at lengths[" + k
                            + "]");
                }
                lengths[k] = (int) v[k];
            }
        }

        float[] values = x.toFloatArray();
        float[][] steps = new float[n][];
        for (int k = 0; k < n; k++) {
            int base = k * t * in;
            for (int j = 0; j < lengths[k] * in; j++) {
                if (!Float.isFinite(values[base + j])) {
                    throw fail(xFile, "finite values in x at every valid step" + float32Note(x.type()),
                            values[base + j] + " at x[" + k + ", " + j / in + ", " + j % in + "]");
                }
            }
            steps[k] = Arrays.copyOfRange(values, base, base + lengths[k] * in);
        }
        return new Inputs(new FeatureSequences(in, steps), n, xShape);
    }

    /** The tensor in {@code file}, or empty if there is no such file; a corrupt file is a DataFormatException. */
    private static Optional<HostTensor> load(Path file, String expected) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Npy.read(file));
        } catch (TensorFormatException e) {
            throw new DataFormatException(file + ": expected a .npy file holding " + expected + ", found: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static DataFormatException fail(Path file, String expected, String found) {
        return new DataFormatException(file + ": expected " + expected + ", found " + found);
    }

    /** float64 data is used as float32; a value beyond float32's range becomes infinite. */
    private static String float32Note(ElementType type) {
        return type == ElementType.F64 ? " (as float32)" : "";
    }

    /** numpy's name of the dtype. */
    private static String dtypeName(ElementType type) {
        return switch (type) {
            case F32 -> "float32";
            case F64 -> "float64";
            case I32 -> "int32";
            case I64 -> "int64";
        };
    }

    /** The Python literal numpy prints for a shape: {@code (3,)}, {@code (2, 3)}. */
    private static String shapeText(int[] dims) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return b.append(dims.length == 1 ? ",)" : ")").toString();
    }

    /** The directory the arrays were read from. */
    public Path source() {
        return dir;
    }

    /** The inputs, one sequence per example. */
    public FeatureSequences features() {
        return features;
    }

    /** Whether y holds class indices. */
    public boolean classification() {
        return classification;
    }

    /** False for {@link #readInputs} (no y). */
    public boolean hasTargets() {
        return hasTargets;
    }

    /** Class names {@code "0"} .. {@code "C-1"} for classification; empty for regression. */
    public List<String> classes() {
        if (!classification) {
            return List.of();
        }
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                FeatureSequences.checkIndex(index, outputSize, "class");
                return Integer.toString(index);
            }

            @Override
            public int size() {
                return outputSize;
            }
        };
    }

    /** Steps of sequence {@code k}. */
    public int length(int k) {
        return features.length(k);
    }

    @Override
    public int size() {
        return features.size();
    }

    @Override
    public int inputSize() {
        return features.inputSize();
    }

    /** O for regression, the number of classes for classification. */
    @Override
    public int outputSize() {
        return outputSize;
    }

    /** The examples {@code indices[0]}, {@code indices[1]}, ... (e.g. a train or validation part). */
    public NpyArrays subset(int[] indices) {
        FeatureSequences f = features.subset(indices);
        if (classification) {
            int[] l = new int[indices.length];
            for (int j = 0; j < indices.length; j++) {
                l[j] = labels[indices[j]];
            }
            return new NpyArrays(dir, f, true, hasTargets, outputSize, null, l);
        }
        return new NpyArrays(dir, f, false, hasTargets, outputSize, rows(y, outputSize, indices), null);
    }

    /** Per feature, the mean ({@code [0]}) and population std ({@code [1]}) over every valid step. */
    public double[][] featureMeanStd() {
        return features.meanStd();
    }

    /** The same examples with each input feature mapped to {@code (v - mean) / std} (a std of 0 counts as 1). */
    public NpyArrays standardized(double[] mean, double[] std) {
        return new NpyArrays(dir, features.standardized(mean, std), classification, hasTargets, outputSize, y,
                labels);
    }

    @Override
    public SequenceBatch batch(int[] indices) {
        FeatureSequences.Padded p = features.pad(indices);
        int b = indices.length;
        if (classification) {
            int[] l = new int[b];
            for (int j = 0; j < b; j++) {
                l[j] = labels[indices[j]];
            }
            return SequenceBatch.ofLabels(p.seqLength(), b, inputSize(), outputSize, p.x(), p.lengths(), l);
        }
        return new SequenceBatch(p.seqLength(), b, inputSize(), outputSize, p.x(), p.lengths(),
                rows(y, outputSize, indices));
    }

    /** Rows {@code indices} of a row-major [N, width] array. */
    private static float[] rows(float[] a, int width, int[] indices) {
        float[] out = new float[indices.length * width];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(a, indices[j] * width, out, j * width, width);
        }
        return out;
    }

    @Override
    public String toString() {
        return "NpyArrays(" + dir + ": " + size() + " sequences, I=" + inputSize() + ", "
                + (classification ? outputSize + " classes" : "O=" + outputSize) + ")";
    }
}

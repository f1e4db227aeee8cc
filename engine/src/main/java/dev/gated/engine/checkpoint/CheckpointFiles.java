package dev.gated.engine.checkpoint;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.io.TensorFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link Checkpoint}s as single safetensors files; the format is described in the
 * {@linkplain dev.gated.engine.checkpoint package documentation}.
 */
public final class CheckpointFiles {
    /** The value of {@value #KEY_FORMAT} in every checkpoint. */
    public static final String FORMAT = "gated-checkpoint";
    /** The only format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Prefix of optimizer state tensors in the file. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";
    /** Prefix of metric keys in the metadata. */
    public static final String METRIC_PREFIX = "metric.";

    static final String KEY_FORMAT = "format";
    static final String KEY_FORMAT_VERSION = "format_version";
    static final String KEY_CHECKSUM = "checksum";
    static final String KEY_STEP = "step";
    static final String KEY_EPOCH = "epoch";
    static final String KEY_BATCH_IN_EPOCH = "batch_in_epoch";
    static final String KEY_RNG_STATE = "rng_state";
    static final String KEY_OPTIMIZER = "optimizer";
    static final String KEY_OPTIMIZER_STEP = "optimizer_step";
    static final String KEY_LEARNING_RATE = "learning_rate";
    static final String KEY_CONFIG = "config";

    private CheckpointFiles() {
    }

    // ---- writing ----

    /**
     * Writes the checkpoint to {@code file} atomically (temporary file, fsync, rename): on failure an existing
     * file is left as it was and the exception names the file and the cause.
     */
    public static void write(Path file, Checkpoint checkpoint) throws IOException {
        if (checkpoint == null) {
            throw new IllegalArgumentException("cannot write checkpoint " + file + ": checkpoint is null");
        }
        Map<String, HostTensor> tensors = fileTensors(checkpoint);
        SafeTensors.write(file, tensors, metadata(checkpoint, checksum(tensors)));
    }

    /** The tensors as the file holds them, in file order: model tensors, then optimizer tensors with their prefix. */
    static Map<String, HostTensor> fileTensors(Checkpoint c) {
        Map<String, HostTensor> out = new LinkedHashMap<>(c.modelTensors());
        for (Map.Entry<String, HostTensor> e : c.optimizerTensors().entrySet()) {
            out.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        }
        return out;
    }

    /** The {@code __metadata__} of the checkpoint's file. */
    static Map<String, String> metadata(Checkpoint c, String checksum) {
        TrainingState s = c.state();
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT);
        m.put(KEY_FORMAT_VERSION, Integer.toString(FORMAT_VERSION));
        m.put(KEY_CHECKSUM, checksum);
        m.put(KEY_STEP, Long.toString(s.step()));
        m.put(KEY_EPOCH, Integer.toString(s.epoch()));
        m.put(KEY_BATCH_IN_EPOCH, Long.toString(s.batchInEpoch()));
        StringBuilder rng = new StringBuilder();
        for (long v : s.rngState()) {
            rng.append(rng.length() == 0 ? "" : ",").append(v);
        }
        m.put(KEY_RNG_STATE, rng.toString());
        m.put(KEY_OPTIMIZER, s.optimizer());
        m.put(KEY_OPTIMIZER_STEP, Long.toString(s.optimizerStep()));
        m.put(KEY_LEARNING_RATE, Double.toString(s.learningRate()));
        m.put(KEY_CONFIG, c.config());
        for (Map.Entry<String, String> e : c.metrics().entrySet()) {
            m.put(METRIC_PREFIX + e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * SHA-256 (lower-case hex) over the tensors in the given order: for each, its UTF-8 name and its dtype string,
     * each preceded by its length in bytes; its rank and dimensions; the length of its data in bytes and the raw
     * little-endian data. Every number is an 8-byte little-endian integer.
     */
    static String checksum(Map<String, HostTensor> tensors) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e); // every Java platform has it
        }
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            putBytes(md, e.getKey().getBytes(StandardCharsets.UTF_8));
            putBytes(md, t.type().safetensorsName().getBytes(StandardCharsets.US_ASCII));
            int[] dims = t.shape().dims();
            putLong(md, dims.length);
            for (int d : dims) {
                putLong(md, d);
            }
            putBytes(md, rawBytes(t));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void putBytes(MessageDigest md, byte[] bytes) {
        putLong(md, bytes.length);
        md.update(bytes);
    }

    private static void putLong(MessageDigest md, long v) {
        md.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** The tensor's data exactly as safetensors stores it: raw little-endian elements. */
    private static byte[] rawBytes(HostTensor t) {
        ByteBuffer b = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.type()) {
            case F32 -> b.asFloatBuffer().put(t.toFloatArray());
            case F64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case I32 -> b.asIntBuffer().put(t.toIntArray());
            case I64 -> b.asLongBuffer().put(t.toLongArray());
        }
        return b.array();
    }

    // ---- reading ----

    /**
     * Reads and verifies a checkpoint: that it is a readable, complete safetensors file, that it is a Gated
     * checkpoint of a supported format version, that its checksum matches its tensors, and that every metadata
     * field is present and valid.
     *
     * @throws CheckpointException naming the file and what is wrong (with the I/O or format error as its cause)
     */
    public static Checkpoint read(Path file) {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("checkpoint " + file + ": no such file", e);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + file + ": cannot be read: " + describe(e), e);
        } catch (TensorFormatException e) {
            throw new CheckpointException("checkpoint " + file + ": not a valid safetensors file (truncated or "
                    + "corrupt): " + e.getMessage(), e);
        }
        return decode(file, contents);
    }

    static Checkpoint decode(Path file, SafeTensors.Contents contents) {
        String where = "checkpoint " + file + ": ";
        Map<String, String> meta = contents.metadata();
        String format = meta.get(KEY_FORMAT);
        if (format == null) {
            throw new CheckpointException(where + "not a gated checkpoint: its __metadata__ has no \"" + KEY_FORMAT
                    + "\" field (expected \"" + FORMAT + "\"); " + (contents.tensors().isEmpty()
                    ? "it holds no tensors" : "it may be a plain weights file, holding " + names(contents.tensors())));
        }
        if (!format.equals(FORMAT)) {
            throw new CheckpointException(where + "not a gated checkpoint: \"" + KEY_FORMAT + "\" is \"" + format
                    + "\", expected \"" + FORMAT + "\"");
        }
        String version = required(where, meta, KEY_FORMAT_VERSION);
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            throw new CheckpointException(where + "unsupported " + KEY_FORMAT_VERSION + " \"" + version
                    + "\"; this version of Gated reads " + KEY_FORMAT_VERSION + " " + FORMAT_VERSION + " only"
                    + (isNewer(version) ? " (the file was written by a newer Gated)" : ""));
        }
        String expectedSum = required(where, meta, KEY_CHECKSUM);
        if (!expectedSum.matches("[0-9a-f]{64}")) {
            throw invalid(where, KEY_CHECKSUM, "64 lower-case hex digits (SHA-256)", expectedSum);
        }
        String actualSum = checksum(contents.tensors());
        if (!actualSum.equals(expectedSum)) {
            throw new CheckpointException(where + "checksum mismatch: the metadata records " + expectedSum
                    + " but the tensors hash to " + actualSum + "; the file is corrupt (a tensor's data, name, dtype "
                    + "or shape changed after it was written)");
        }

        long step = nonNegativeLong(where, meta, KEY_STEP);
        long epoch = nonNegativeLong(where, meta, KEY_EPOCH);
        if (epoch > Integer.MAX_VALUE) {
            throw invalid(where, KEY_EPOCH, "an integer in [0, " + Integer.MAX_VALUE + "]", meta.get(KEY_EPOCH));
        }
        long batch = nonNegativeLong(where, meta, KEY_BATCH_IN_EPOCH);
        long[] rng = rngState(where, required(where, meta, KEY_RNG_STATE));
        String optimizer = required(where, meta, KEY_OPTIMIZER);
        if (optimizer.isBlank()) {
            throw invalid(where, KEY_OPTIMIZER, "a non-blank optimizer name", optimizer);
        }
        long optimizerStep = nonNegativeLong(where, meta, KEY_OPTIMIZER_STEP);
        String lrText = required(where, meta, KEY_LEARNING_RATE);
        double lr;
        try {
            lr = Double.parseDouble(lrText);
        } catch (NumberFormatException e) {
            throw invalid(where, KEY_LEARNING_RATE, "a finite number >= 0", lrText);
        }
        if (!Double.isFinite(lr) || lr < 0 || !lrText.equals(lrText.strip())) {
            throw invalid(where, KEY_LEARNING_RATE, "a finite number >= 0", lrText);
        }
        String config = required(where, meta, KEY_CONFIG);

        Map<String, String> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey().startsWith(METRIC_PREFIX) && e.getKey().length() > METRIC_PREFIX.length()) {
                metrics.put(e.getKey().substring(METRIC_PREFIX.length()), e.getValue());
            }
        }

        Map<String, HostTensor> model = new LinkedHashMap<>();
        Map<String, HostTensor> optimizerTensors = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                String name = e.getKey().substring(OPTIMIZER_PREFIX.length());
                if (name.isEmpty()) {
                    throw new CheckpointException(where + "tensor '" + e.getKey() + "' has an empty optimizer state name");
                }
                optimizerTensors.put(name, e.getValue());
            } else {
                model.put(e.getKey(), e.getValue());
            }
        }
        if (model.isEmpty()) {
            throw new CheckpointException(where + "holds no model tensors (only " + names(contents.tensors()) + ")");
        }
        TrainingState state = new TrainingState(step, (int) epoch, batch, rng, optimizer, optimizerStep, lr);
        return new Checkpoint(model, optimizerTensors, state, config, metrics);
    }

    private static boolean isNewer(String version) {
        try {
            return Long.parseLong(version) > FORMAT_VERSION;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String required(String where, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new CheckpointException(where + "metadata field \"" + key + "\" is missing");
        }
        return v;
    }

    private static long nonNegativeLong(String where, Map<String, String> meta, String key) {
        String text = required(where, meta, key);
        try {
            if (text.matches("[0-9]+")) {
                return Long.parseLong(text);
            }
        } catch (NumberFormatException e) {
            // out of range: reported below
        }
        throw invalid(where, key, "an integer >= 0", text);
    }

    private static long[] rngState(String where, String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        String[] parts = text.split(",", -1);
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                if (!parts[i].matches("-?[0-9]+")) {
                    throw new NumberFormatException();
                }
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw invalid(where, KEY_RNG_STATE, "comma-separated 64-bit integers (element " + i + " is \""
                        + parts[i] + "\")", text);
            }
        }
        return out;
    }

    private static CheckpointException invalid(String where, String key, String expected, String actual) {
        String shown = actual.length() > 80 ? actual.substring(0, 80) + "..." : actual;
        return new CheckpointException(where + "metadata field \"" + key + "\" is invalid: expected " + expected
                + ", got \"" + shown + "\"");
    }

    private static String names(Map<String, HostTensor> tensors) {
        List<String> n = new ArrayList<>(tensors.keySet());
        return n.size() <= 8 ? n.toString() : n.subList(0, 8) + " and " + (n.size() - 8) + " more";
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ---- compatibility ----

    /**
     * Checks that the checkpoint's model tensors are exactly the expected ones, with the expected shapes.
     *
     * @throws CheckpointException listing every missing, unexpected and wrongly-shaped tensor
     */
    public static void verifyCompatible(Checkpoint checkpoint, Map<String, Shape> expectedModelTensors) {
        verify("checkpoint", checkpoint, expectedModelTensors);
    }

    /** As {@link #verifyCompatible(Checkpoint, Map)}, naming the file the checkpoint came from. */
    public static void verifyCompatible(Path file, Checkpoint checkpoint, Map<String, Shape> expectedModelTensors) {
        verify("checkpoint " + file, checkpoint, expectedModelTensors);
    }

    private static void verify(String what, Checkpoint checkpoint, Map<String, Shape> expected) {
        verifyTensors(what, checkpoint.modelTensors(), expected);
    }

    /**
     * Checks that {@code actual} holds exactly the expected tensors with the expected shapes ({@code what} names the
     * source in the message, e.g. a weights file given as {@code model.init_from}).
     *
     * @throws CheckpointException listing every missing, unexpected and wrongly-shaped tensor
     */
    public static void verifyTensors(String what, Map<String, HostTensor> actual, Map<String, Shape> expected) {
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            HostTensor t = actual.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey() + " " + e.getValue());
            } else if (!t.shape().equals(e.getValue())) {
                wrongShape.add(e.getKey() + ": expected " + e.getValue() + ", found " + t.shape());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                unexpected.add(e.getKey() + " " + e.getValue().shape());
            }
        }
        if (missing.isEmpty() && unexpected.isEmpty() && wrongShape.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder(what).append(" does not match the model:");
        if (!missing.isEmpty()) {
            m.append("\n  missing tensors (the model has them, the file does not): ").append(String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            m.append("\n  unexpected tensors (the file has them, the model does not): ")
                    .append(String.join(", ", unexpected));
        }
        if (!wrongShape.isEmpty()) {
            m.append("\n  wrong shapes: ").append(String.join("; ", wrongShape));
        }
        m.append("\n  the model expects ").append(expected.size()).append(" tensors, the file has ")
                .append(actual.size());
        throw new CheckpointException(m.toString());
    }
}

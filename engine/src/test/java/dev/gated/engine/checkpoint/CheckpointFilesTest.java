package dev.gated.engine.checkpoint;

import static dev.gated.engine.checkpoint.CheckpointTestData.checkpoint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.io.TensorFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsExact() throws IOException {
        Checkpoint c = checkpoint(1234);
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, c);
        Checkpoint back = CheckpointFiles.read(file);

        assertEquals(c, back);
        assertEquals(List.copyOf(c.modelTensors().keySet()), List.copyOf(back.modelTensors().keySet()));
        assertEquals(List.copyOf(c.optimizerTensors().keySet()), List.copyOf(back.optimizerTensors().keySet()));
        for (String name : c.modelTensors().keySet()) {
            assertBitwiseEqual(c.modelTensors().get(name), back.modelTensors().get(name));
        }
        for (String name : c.optimizerTensors().keySet()) {
            assertBitwiseEqual(c.optimizerTensors().get(name), back.optimizerTensors().get(name));
        }
        assertEquals(c.state(), back.state());
        assertArrayEquals(c.state().rngState(), back.state().rngState());
        assertEquals(1e-3, back.state().learningRate());
        assertEquals(c.config(), back.config());
        assertEquals(c.metrics(), back.metrics());
    }

    @Test
    void fileIsPlainSafetensorsWithDocumentedLayout() throws IOException {
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, checkpoint(7));
        SafeTensors.Contents raw = SafeTensors.read(file);
        assertEquals(List.of("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "head.weight", "head.bias",
                "optimizer.exp_avg.head.weight", "optimizer.step_counts", "optimizer.scalar"),
                List.copyOf(raw.tensors().keySet()));
        Map<String, String> m = raw.metadata();
        assertEquals("gated-checkpoint", m.get("format"));
        assertEquals("1", m.get("format_version"));
        assertEquals("7", m.get("step"));
        assertEquals("2", m.get("epoch"));
        assertEquals("17", m.get("batch_in_epoch"));
        assertEquals("-7046029254386353131,-1,42", m.get("rng_state"));
        assertEquals("adam", m.get("optimizer"));
        assertEquals("12", m.get("optimizer_step"));
        assertEquals("0.001", m.get("learning_rate"));
        assertEquals("0.0123", m.get("metric.val_loss"));
        assertTrue(m.get("checksum").matches("[0-9a-f]{64}"), m.get("checksum"));
        assertEquals(CheckpointFiles.checksum(raw.tensors()), m.get("checksum"));
    }

    @Test
    void emptyOptionalPartsRoundTrip() throws IOException {
        Checkpoint c = new Checkpoint(Map.of("head.bias", HostTensor.ofFloats(Shape.of(1), new float[] {1})),
                Map.of(), new TrainingState(0, 0, 0, new long[0], "sgd", 0, 0.0), "", Map.of());
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, c);
        assertEquals(c, CheckpointFiles.read(file));
    }

    @Test
    void checksumDependsOnNamesShapesDtypesAndData() {
        float[] v = {1, 2, 3, 4, 5, 6};
        String base = CheckpointFiles.checksum(Map.of("a", HostTensor.ofFloats(Shape.of(2, 3), v)));
        assertFalse(base.equals(CheckpointFiles.checksum(Map.of("b", HostTensor.ofFloats(Shape.of(2, 3), v)))));
        assertFalse(base.equals(CheckpointFiles.checksum(Map.of("a", HostTensor.ofFloats(Shape.of(3, 2), v)))));
        assertFalse(base.equals(CheckpointFiles.checksum(Map.of("a", HostTensor.ofInts(Shape.of(2, 3),
                new int[] {Float.floatToRawIntBits(1), Float.floatToRawIntBits(2), Float.floatToRawIntBits(3),
                        Float.floatToRawIntBits(4), Float.floatToRawIntBits(5), Float.floatToRawIntBits(6)})))));
        v[5] = Math.nextUp(v[5]);
        assertFalse(base.equals(CheckpointFiles.checksum(Map.of("a", HostTensor.ofFloats(Shape.of(2, 3), v)))));
    }

    // ---- corruption ----

    @Test
    void flippedByteInTensorDataIsAChecksumError() throws IOException {
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, checkpoint(3));
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        int inData = (int) (8 + headerLen + 4 * 5 + 1); // inside rnn.weight_ih_l0, the first tensor
        bytes[inData] ^= 0x10;
        Files.write(file, bytes);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e);
    }

    @Test
    void flippedByteInLastTensorIsAChecksumError() throws IOException {
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, checkpoint(3));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().contains(file + ": checksum mismatch"), e.getMessage());
    }

    @Test
    void truncatedFileIsReportedWithTheSafetensorsError() throws IOException {
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, checkpoint(3));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": not a valid safetensors file (truncated or corrupt)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("truncated: tensor 'optimizer.step_counts'"), e.getMessage());
        assertInstanceOf(TensorFormatException.class, e.getCause());
    }

    @Test
    void fileTruncatedInsideTheHeaderIsReported() throws IOException {
        Path file = dir.resolve("c.safetensors");
        CheckpointFiles.write(file, checkpoint(3));
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 40));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().contains(file + ": not a valid safetensors file"), e.getMessage());
        assertTrue(e.getMessage().contains("runs past the end of the file"), e.getMessage());
    }

    @Test
    void emptyAndMissingFilesAreReported() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(empty));
        assertTrue(e.getMessage().contains(empty + ": not a valid safetensors file"), e.getMessage());

        Path missing = dir.resolve("missing.safetensors");
        e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(missing));
        assertEquals("checkpoint " + missing + ": no such file", e.getMessage());
    }

    @Test
    void plainWeightsFileIsNotACheckpoint() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.write(file, checkpoint(1).modelTensors());
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": not a gated checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("no \"format\" field"), e.getMessage());
        assertTrue(e.getMessage().contains("plain weights file"), e.getMessage());
    }

    @Test
    void wrongFormatMarker() throws IOException {
        Path file = writeEdited(m -> m.put("format", "pytorch"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertEquals("checkpoint " + file + ": not a gated checkpoint: \"format\" is \"pytorch\", expected "
                + "\"gated-checkpoint\"", e.getMessage());
    }

    @Test
    void futureFormatVersion() throws IOException {
        Path file = writeEdited(m -> m.put("format_version", "2"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertEquals("checkpoint " + file + ": unsupported format_version \"2\"; this version of Gated reads "
                + "format_version 1 only (the file was written by a newer Gated)", e.getMessage());
    }

    @Test
    void everyRequiredMetadataKeyIsChecked() throws IOException {
        for (String key : List.of("format_version", "checksum", "step", "epoch", "batch_in_epoch", "rng_state",
                "optimizer", "optimizer_step", "learning_rate", "config")) {
            Path file = writeEdited(m -> m.remove(key));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file), key);
            assertEquals("checkpoint " + file + ": metadata field \"" + key + "\" is missing", e.getMessage());
        }
    }

    @Test
    void invalidMetadataValuesAreNamed() throws IOException {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("step", "-1");
        bad.put("epoch", "3000000000");
        bad.put("batch_in_epoch", "12x");
        bad.put("rng_state", "1,,2");
        bad.put("optimizer", " ");
        bad.put("optimizer_step", "");
        bad.put("learning_rate", "NaN");
        bad.put("checksum", "abc");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            Path file = writeEdited(m -> m.put(b.getKey(), b.getValue()));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file),
                    b.getKey());
            assertTrue(e.getMessage().startsWith("checkpoint " + file + ": metadata field \"" + b.getKey()
                    + "\" is invalid: expected "), e.getMessage());
            assertTrue(e.getMessage().endsWith("got \"" + b.getValue() + "\""), e.getMessage());
        }
    }

    @Test
    void unknownMetadataKeysAreIgnored() throws IOException {
        Path file = writeEdited(m -> m.put("written_by", "gated 0.9"));
        assertEquals(checkpoint(5), CheckpointFiles.read(file));
    }

    @Test
    void fileWithOnlyOptimizerTensorsIsRejected() throws IOException {
        Map<String, HostTensor> tensors = Map.of("optimizer.x", HostTensor.ofFloats(Shape.of(1), new float[] {1}));
        Map<String, String> meta = new LinkedHashMap<>(CheckpointFiles.metadata(checkpoint(5),
                CheckpointFiles.checksum(tensors)));
        Path file = dir.resolve("c.safetensors");
        SafeTensors.write(file, tensors, meta);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.read(file));
        assertEquals("checkpoint " + file + ": holds no model tensors (only [optimizer.x])", e.getMessage());
    }

    /** Writes checkpoint(5) with its metadata edited (the checksum is still right unless edited). */
    private Path writeEdited(Consumer<Map<String, String>> edit) throws IOException {
        Checkpoint c = checkpoint(5);
        Map<String, HostTensor> tensors = CheckpointFiles.fileTensors(c);
        Map<String, String> meta = new LinkedHashMap<>(CheckpointFiles.metadata(c, CheckpointFiles.checksum(tensors)));
        edit.accept(meta);
        Path file = Files.createTempFile(dir, "edited", ".safetensors");
        SafeTensors.write(file, tensors, meta);
        return file;
    }

    // ---- compatibility ----

    @Test
    void verifyCompatibleAcceptsExactMatch() {
        Checkpoint c = checkpoint(1);
        Map<String, Shape> expected = new LinkedHashMap<>();
        c.modelTensors().forEach((name, t) -> expected.put(name, t.shape()));
        assertDoesNotThrow(() -> CheckpointFiles.verifyCompatible(c, expected));
    }

    @Test
    void verifyCompatibleListsMissingUnexpectedAndWrongShapes() {
        Checkpoint c = checkpoint(1);
        Map<String, Shape> expected = new LinkedHashMap<>();
        expected.put("rnn.weight_ih_l0", Shape.of(8, 4));           // wrong shape
        expected.put("rnn.weight_hh_l0", Shape.of(8, 2));           // fine
        expected.put("rnn.bias_ih_l0", Shape.of(8));                // fine
        expected.put("rnn.bias_hh_l0", Shape.of(8));                // missing
        expected.put("head.weight", Shape.of(2, 2));                // wrong shape
        // head.bias: unexpected
        Path file = dir.resolve("c.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFiles.verifyCompatible(file, c, expected));
        assertEquals("checkpoint " + file + " does not match the model:"
                + "\n  missing tensors (the model has them, the file does not): rnn.bias_hh_l0 [8]"
                + "\n  unexpected tensors (the file has them, the model does not): head.bias [1]"
                + "\n  wrong shapes: rnn.weight_ih_l0: expected [8, 4], found [8, 3]; "
                + "head.weight: expected [2, 2], found [1, 2]"
                + "\n  the model expects 5 tensors, the file has 5", e.getMessage());
    }

    @Test
    void verifyCompatibleWithOnlyMissingTensors() {
        Checkpoint c = checkpoint(1);
        Map<String, Shape> expected = new LinkedHashMap<>();
        c.modelTensors().forEach((name, t) -> expected.put(name, t.shape()));
        expected.put("rnn.weight_ih_l1", Shape.of(8, 2));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointFiles.verifyCompatible(c, expected));
        assertTrue(e.getMessage().startsWith("checkpoint does not match the model:\n  missing tensors"), e.getMessage());
        assertFalse(e.getMessage().contains("unexpected"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong shapes"), e.getMessage());
    }

    // ---- the value ----

    @Test
    void checkpointIsImmutableAndValidated() {
        Checkpoint c = checkpoint(1);
        assertThrows(UnsupportedOperationException.class, () -> c.modelTensors().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.metrics().put("x", "y"));
        long[] rng = c.state().rngState();
        rng[0] = 0;
        assertEquals(0x9E3779B97F4A7C15L, c.state().rngState()[0]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Checkpoint(
                Map.of("optimizer.m", HostTensor.ofFloats(Shape.of(1), new float[] {0})), Map.of(), c.state(), "",
                Map.of()));
        assertTrue(e.getMessage().contains("reserves for optimizer state"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(Map.of(), Map.of(), c.state(), "", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingState(-1, 0, 0, new long[0], "sgd", 0, 0.1));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingState(0, 0, 0, new long[0], "sgd", 0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingState(0, 0, 0, new long[0], " ", 0, 0.1));
    }

    private static void assertBitwiseEqual(HostTensor a, HostTensor b) {
        assertEquals(a.type(), b.type());
        assertEquals(a.shape(), b.shape());
        switch (a.type()) {
            case F32 -> {
                float[] x = a.toFloatArray();
                float[] y = b.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), "element " + i);
                }
            }
            case F64 -> {
                double[] x = a.toDoubleArray();
                double[] y = b.toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), "element " + i);
                }
            }
            default -> assertArrayEquals(a.toLongArray(), b.toLongArray());
        }
    }
}

package dev.gated.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Map<String, HostTensor> sample() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("rnn.weight_ih_l0", HostTensor.ofFloats(Shape.of(2, 3), new float[] {1.5f, -2f, 0.25f, 3f, 0f, -0.5f}));
        m.put("head.bias", HostTensor.ofDoubles(Shape.of(2), new double[] {Math.PI, -1e-300}));
        m.put("scalar", HostTensor.ofFloats(Shape.of(), new float[] {42f}));
        m.put("empty", HostTensor.ofDoubles(Shape.of(0, 4), new double[0]));
        m.put("lengths", HostTensor.ofInts(Shape.of(3), new int[] {1, 7, Integer.MIN_VALUE}));
        m.put("steps", HostTensor.ofLongs(Shape.of(1, 2), new long[] {Long.MAX_VALUE, -3}));
        return m;
    }

    @Test
    void roundTripKeepsEveryTensorMetadataAndOrder() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "quote \" backslash \\ newline \n unicode \u00e9\u4e2d");
        SafeTensors.write(f, sample(), meta);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(List.copyOf(sample().keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(sample(), c.tensors());
        assertEquals(meta, c.metadata());
        assertArrayEquals(new double[] {1.5, -2, 0.25, 3, 0, -0.5}, c.tensor("rnn.weight_ih_l0").toDoubleArray());
        assertArrayEquals(new float[] {(float) Math.PI, -0f}, c.tensor("head.bias").toFloatArray());
        assertArrayEquals(new int[] {1, 7, Integer.MIN_VALUE}, c.tensor("lengths").toIntArray());
        assertEquals(Shape.of(), c.tensor("scalar").shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.tensor("nope"));
        assertTrue(e.getMessage().contains("no tensor 'nope'"), e.getMessage());
    }

    @Test
    void layoutIsTheStandardOne() throws IOException {
        Path f = dir.resolve("a.safetensors");
        Map<String, HostTensor> m = new LinkedHashMap<>();
        m.put("a", HostTensor.ofFloats(Shape.of(2), new float[] {1f, 2f}));
        SafeTensors.write(f, m, Map.of("k", "v"));
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                header.stripTrailing());
        assertEquals(8 + n + 8, b.length);
        assertEquals(1f, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getFloat(8 + (int) n));
    }

    @Test
    void readsFilesWithoutMetadataAndWithWhitespace() throws IOException {
        Path f = write("{ \"x\" : { \"data_offsets\" : [0, 8], \"dtype\" : \"I64\", \"shape\" : [ ] } }  ",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(Map.of(), c.metadata());
        assertArrayEquals(new long[] {-5}, c.tensor("x").toLongArray());
    }

    // ---- atomic writes ----

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, sample());
        byte[] before = Files.readAllBytes(f);
        Map<String, HostTensor> other = Map.of("z", HostTensor.ofFloats(Shape.of(1), new float[] {9}));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, other, Map.of(), temp -> {
            assertTrue(Files.exists(temp));
            throw new IOException("simulated disk failure");
        }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("simulated disk failure"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "only the target remains");
        }
    }

    @Test
    void writeIntoAReadOnlyDirectoryFailsAndKeepsTheOldFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("ro"));
        Path f = sub.resolve("w.safetensors");
        SafeTensors.write(f, sample());
        byte[] before = Files.readAllBytes(f);
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            if (canCreateFileIn(sub)) {
                String why = "a read-only directory stays writable here (running as root); the failed-write case is "
                        + "covered by failedWriteLeavesTheOldFileAndNoTemporaryFile";
                System.out.println("SKIPPED SafeTensorsTest.writeIntoAReadOnlyDirectory: " + why);
                Assumptions.abort(why);
            }
            IOException e = assertThrows(IOException.class, () -> SafeTensors.write(f, Map.of()));
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(f));
        } finally {
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean canCreateFileIn(Path d) {
        try {
            Files.delete(Files.createTempFile(d, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void writtenFileGetsTheUsualPermissionsNotATemporaryFilesOwnerOnlyMode() throws IOException {
        Path f = dir.resolve("p.safetensors");
        SafeTensors.write(f, sample());
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    }

    @Test
    void writingOntoADirectoryFails() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("d"));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(sub, sample()));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void rejectsReservedOrEmptyNames() {
        Map<String, HostTensor> m = Map.of("__metadata__", HostTensor.ofFloats(Shape.of(1), new float[] {1}));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x"), m));
    }

    // ---- corrupt files ----

    private Path write(String header, byte[] body) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(body);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    private static void assertCorrupt(Path f, String... fragments) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
    }

    @Test
    void tooShort() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertCorrupt(f, "3 bytes long", "8-byte header length");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        Path f = dir.resolve("long.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertCorrupt(f, "header length 1000 runs past the end of the file (16 bytes");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
        assertCorrupt(f, "header length 18446744073709551615 runs past the end");
    }

    @Test
    void badJson() throws IOException {
        assertCorrupt(write("{\"a\":{\"dtype\":\"F32\",", new byte[0]), "header is not valid JSON", "offset");
        assertCorrupt(write("[1,2]", new byte[0]), "header is not a JSON object");
        assertCorrupt(write("{\"a\":1}", new byte[0]), "tensor 'a'", "not a JSON object");
        assertCorrupt(write("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__[\"k\"] is not a string");
    }

    @Test
    void unknownDtype() throws IOException {
        assertCorrupt(write("{" + entry("w", "BF16", "[2]", 0, 4) + "}", new byte[4]),
                "tensor 'w'", "unknown or unsupported dtype 'BF16'", "F32, F64, I32, I64");
    }

    @Test
    void offsetsNotMatchingShape() throws IOException {
        assertCorrupt(write("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]),
                "tensor 'w'", "data_offsets [0, 20] hold 20 bytes but shape [2, 3] of F32 needs 24");
    }

    @Test
    void offsetsNotAnInterval() throws IOException {
        assertCorrupt(write("{" + entry("w", "F32", "[0]", 8, 4) + "}", new byte[8]),
                "tensor 'w'", "not an interval");
        assertCorrupt(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]),
                "tensor 'w'", "\"data_offsets\" is missing or not an array of two integers");
        assertCorrupt(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'w'", "shape [-1]");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertCorrupt(write("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}",
                new byte[12]), "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
    }

    @Test
    void gapBetweenTensors() throws IOException {
        assertCorrupt(write("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
                new byte[12]), "tensor 'b'", "leave bytes [4, 8) of the data unused");
    }

    @Test
    void truncatedBody() throws IOException {
        assertCorrupt(write("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F64", "[2]", 4, 20) + "}",
                new byte[10]), "truncated: tensor 'b' needs data bytes [4, 20]", "only 10 bytes of data");
    }

    @Test
    void trailingBytes() throws IOException {
        assertCorrupt(write("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[7]),
                "3 bytes after the last tensor's data");
    }
}

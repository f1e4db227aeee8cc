package dev.gated.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.backend.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    /** What numpy 2.x's {@code np.save} writes for {@code np.array([[1.5, -2, .25], [3, 0, -.5]], '<f4')}. */
    @Test
    void writesNumpysExactBytes() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0});
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertEquals(59, dict.length());
        expected.writeBytes((dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {
            0, 0, (byte) 0xc0, 0x3f, 0, 0, 0, (byte) 0xc0, 0, 0, (byte) 0x80, 0x3e,
            0, 0, 0x40, 0x40, 0, 0, 0, 0, 0, 0, 0, (byte) 0xbf});
        Path f = dir.resolve("a.npy");
        HostTensor t = HostTensor.ofFloats(Shape.of(2, 3), new float[] {1.5f, -2f, 0.25f, 3f, 0f, -0.5f});
        Npy.write(f, t);
        byte[] actual = Files.readAllBytes(f);
        assertEquals(152, actual.length);
        assertArrayEquals(expected.toByteArray(), actual);
        assertEquals(t, Npy.read(f));
    }

    @Test
    void headerLengthKeepsTheDataAlignedTo64() {
        for (int[] dims : new int[][] {{}, {1}, {123456789}, {16, 7, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}) {
            byte[] h = Npy.header(ElementType.F64, dims);
            assertEquals(0, h.length % 64, Npy.shapeText(dims));
            assertEquals('\n', h[h.length - 1]);
        }
        assertEquals("()", Npy.shapeText(new int[0]));
        assertEquals("(3,)", Npy.shapeText(new int[] {3}));
    }

    @Test
    void roundTrips() throws IOException {
        Path f = dir.resolve("r.npy");
        for (HostTensor t : List.of(
                HostTensor.ofDoubles(Shape.of(), new double[] {7}),
                HostTensor.ofDoubles(Shape.of(3), new double[] {1e-310, Double.NaN, -0.0}),
                HostTensor.ofFloats(Shape.of(0, 5), new float[0]),
                HostTensor.ofInts(Shape.of(2, 2), new int[] {1, -2, 3, Integer.MAX_VALUE}),
                HostTensor.ofLongs(Shape.of(1), new long[] {Long.MIN_VALUE}))) {
            Npy.write(f, t);
            assertEquals(t, Npy.read(f));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void readsVersion2Headers() throws IOException {
        String text = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
        int pad = 64 - (12 + text.length() + 1) % 64;
        byte[] h = (text + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length).put(h).putInt(5).putInt(-6);
        Path f = dir.resolve("v2.npy");
        Files.write(f, b.array());
        HostTensor t = Npy.read(f);
        assertEquals(ElementType.I32, t.type());
        assertArrayEquals(new int[] {5, -6}, t.toIntArray());
    }

    @Test
    void failedWriteLeavesTheOldFile() throws IOException {
        Path f = dir.resolve("o.npy");
        Npy.write(f, HostTensor.ofFloats(Shape.of(1), new float[] {1}));
        byte[] before = Files.readAllBytes(f);
        IOException e = assertThrows(IOException.class,
                () -> Npy.write(f, HostTensor.ofFloats(Shape.of(1), new float[] {2}), temp -> {
                    throw new IOException("no space left on device");
                }));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("no space left"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    // ---- bad files ----

    private Path file(String dict, int dataBytes) throws IOException {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        Path f = dir.resolve("bad.npy");
        Files.write(f, b.array());
        return f;
    }

    private static void assertBad(Path f, String... fragments) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
    }

    @Test
    void fortranOrder() throws IOException {
        assertBad(file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24),
                "Fortran order", "only C order");
    }

    @Test
    void unsupportedDtypes() throws IOException {
        assertBad(file("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4),
                "dtype '>f4'", "expected little-endian '<f4', '<f8', '<i4' or '<i8'");
        assertBad(file("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", 2), "dtype '<f2'");
    }

    @Test
    void truncatedAndTrailingData() throws IOException {
        assertBad(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40),
                "truncated: shape (2, 3) of '<f8' needs 48 bytes of data, the file holds 40");
        assertBad(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 9), "1 bytes after the data");
    }

    @Test
    void badHeaders() throws IOException {
        assertBad(file("{'descr': '<f8', 'shape': (1,), }", 8), "no 'fortran_order'");
        assertBad(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1, x), }", 8),
                "not a valid .npy header dict");
        assertBad(file("not a dict", 0), "not a valid .npy header dict");
        Path f = dir.resolve("magic.npy");
        Files.write(f, "just some text file".getBytes(StandardCharsets.US_ASCII));
        assertBad(f, "magic");
        Files.write(f, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0, 0, 0, 0, 0});
        assertBad(f, "format version 3.0; expected 1.0 or 2.0");
        Files.write(f, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
        assertBad(f, "header length 100 runs past the end of the file (11 bytes)");
    }
}

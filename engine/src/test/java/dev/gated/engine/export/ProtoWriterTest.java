package dev.gated.engine.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The wire format against the byte strings of the protobuf encoding guide (protobuf.dev, "Encoding"). */
class ProtoWriterTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void varints() {
        // The guide's examples: field 1 = 150 is 08 96 01; 1 is 08 01.
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new ProtoWriter().varint(1, 150).toByteArray());
        assertArrayEquals(bytes(0x08, 0x01), new ProtoWriter().varint(1, 1).toByteArray());
        // Negative int64: ten bytes of two's complement.
        assertArrayEquals(bytes(0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
                new ProtoWriter().varint(3, -1).toByteArray());
        // Field numbers above 15 take a two-byte tag: field 20, varint -> (20 << 3) = 160 = A0 01.
        assertArrayEquals(bytes(0xA0, 0x01, 0x02), new ProtoWriter().varint(20, 2).toByteArray());
    }

    @Test
    void stringsFloatsAndMessages() {
        // The guide's example: field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        assertArrayEquals(bytes(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67),
                new ProtoWriter().string(2, "testing").toByteArray());
        // 1.0f is 0x3F800000, little-endian after the tag (field 2, wire type 5: 0x15).
        assertArrayEquals(bytes(0x15, 0x00, 0x00, 0x80, 0x3F), new ProtoWriter().float32(2, 1f).toByteArray());
        // The guide's nested message: field 3 holding {1: 150} is 1a 03 08 96 01.
        assertArrayEquals(bytes(0x1a, 0x03, 0x08, 0x96, 0x01),
                new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray());
    }

    @Test
    void fieldZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ProtoWriter().varint(0, 1));
    }
}

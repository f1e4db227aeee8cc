package dev.gated.engine.io;

import dev.gated.engine.backend.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's {@code .npy} format, versions 1.0 and 2.0: the magic {@code \x93NUMPY}, the version, a little-endian
 * header length (2 bytes in 1.0, 4 in 2.0), an ASCII Python dict {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }} padded with spaces and a newline so the data starts at a multiple of 64, then the data.
 *
 * <p>Reads little-endian {@code <f4}, {@code <f8}, {@code <i4}, {@code <i8} in C order; anything else throws
 * {@link TensorFormatException} naming the file and what was expected. Writes byte for byte what
 * {@code numpy.save} writes (version 1.0 unless the header needs 2.0), atomically.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** numpy leaves room for the first axis to grow to this many digits when rewriting the header in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private Npy() {
    }

    // ---- reading ----

    public static HostTensor read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw err(file, "is " + size + " bytes; files over 2 GiB are not supported");
        }
        return parse(file, Files.readAllBytes(file));
    }

    static HostTensor parse(Path file, byte[] bytes) {
        if (bytes.length < 10) {
            throw err(file, "is " + bytes.length + " bytes long, too short for a .npy header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw err(file, "does not start with the .npy magic \\x93NUMPY");
            }
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1 && minor == 0) {
            headerLen = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 && minor == 0) {
            if (bytes.length < 12) {
                throw err(file, "is " + bytes.length + " bytes long, too short for a version 2.0 header");
            }
            headerLen = buf.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw err(file, "has format version " + major + "." + minor + "; expected 1.0 or 2.0");
        }
        if (headerStart + headerLen > bytes.length) {
            throw err(file, "header length " + headerLen + " runs past the end of the file (" + bytes.length
                    + " bytes)");
        }
        String header = new String(bytes, headerStart, (int) headerLen, StandardCharsets.ISO_8859_1);
        Map<String, Object> dict;
        try {
            dict = new HeaderParser(header).dict();
        } catch (IllegalArgumentException e) {
            throw err(file, "header " + header.strip() + " is not a valid .npy header dict: " + e.getMessage());
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw err(file, "header has no 'descr' string; expected e.g. 'descr': '<f4'");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw err(file, "header has no 'fortran_order' True/False");
        }
        if (!(dict.get("shape") instanceof int[] dims)) {
            throw err(file, "header has no 'shape' tuple");
        }
        ElementType type = ElementType.fromNpy(descr);
        if (type == null) {
            throw err(file, "has dtype '" + descr + "'; expected little-endian '<f4', '<f8', '<i4' or '<i8'");
        }
        if (fortran) {
            throw err(file, "is in Fortran order (fortran_order: True); only C order is supported - save a "
                    + "C-contiguous array (numpy.ascontiguousarray)");
        }
        long numel = 1;
        for (int d : dims) {
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw err(file, "shape " + shapeText(dims) + " has more than 2^31-1 elements");
            }
        }
        long dataStart = headerStart + headerLen;
        long need = numel * type.bytes();
        long have = bytes.length - dataStart;
        if (have < need) {
            throw err(file, "truncated: shape " + shapeText(dims) + " of '" + descr + "' needs " + need
                    + " bytes of data, the file holds " + have);
        }
        if (have > need) {
            throw err(file, "has " + (have - need) + " bytes after the data of shape " + shapeText(dims) + " of '"
                    + descr + "'");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) need).slice().order(ByteOrder.LITTLE_ENDIAN);
        return HostTensor.readFrom(type, Shape.of(dims), data);
    }

    private static TensorFormatException err(Path file, String what) {
        return new TensorFormatException(".npy file " + file + ": " + what);
    }

    /** The Python literal numpy uses for a shape: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    static String shapeText(int[] dims) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return b.append(dims.length == 1 ? ",)" : ")").toString();
    }

    /** Parses the subset of Python literals a .npy header uses: a dict of str keys to str, bool and int tuples. */
    private static final class HeaderParser {
        private final String s;
        private int pos;

        HeaderParser(String s) {
            this.s = s;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }

        private void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            ws();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Map<String, Object> dict() {
            Map<String, Object> m = new LinkedHashMap<>();
            expect('{');
            while (true) {
                ws();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                expect(':');
                ws();
                m.put(key, value());
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            ws();
            if (pos != s.length()) {
                throw error("unexpected content after the dict");
            }
            return m;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '(') {
                return tuple();
            }
            throw error("unsupported value");
        }

        private String string() {
            ws();
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (true) {
                ws();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected a non-negative integer dimension");
                }
                long d;
                try {
                    d = Long.parseLong(s.substring(start, pos));
                } catch (NumberFormatException e) {
                    throw error("dimension too large");
                }
                if (d > Integer.MAX_VALUE) {
                    throw error("dimension " + d + " too large");
                }
                if (pos < s.length() && s.charAt(pos) == 'L') {
                    pos++; // Python 2 long suffix
                }
                dims.add((int) d);
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')'");
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    // ---- writing ----

    public static void write(Path file, HostTensor tensor) throws IOException {
        write(file, tensor, null);
    }

    static void write(Path file, HostTensor tensor, AtomicFiles.BeforeMove beforeMove) throws IOException {
        AtomicFiles.write(file, encode(tensor), beforeMove);
    }

    /** The header numpy.save writes for a C-order array of this type and shape. */
    static byte[] header(ElementType type, int[] dims) {
        StringBuilder dict = new StringBuilder();
        dict.append("{'descr': '").append(type.npyDescr()).append("', 'fortran_order': False, 'shape': ")
                .append(shapeText(dims)).append(", }");
        if (dims.length > 0) {
            dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(dims[0]).length()));
        }
        int major = 1;
        int prefix = MAGIC.length + 2 + 2;
        int hlen = dict.length() + 1;
        int pad = ALIGN - ((prefix + hlen) % ALIGN);
        if (hlen + pad > 65535) {
            major = 2;
            prefix = MAGIC.length + 2 + 4;
            pad = ALIGN - ((prefix + hlen) % ALIGN);
        }
        // numpy pads with ALIGN spaces when already aligned (the formula above yields ALIGN, not 0)
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length());
        } else {
            b.putInt(text.length());
        }
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    static ByteBuffer[] encode(HostTensor tensor) {
        if (tensor == null) {
            throw new IllegalArgumentException("tensor: required, got null");
        }
        ByteBuffer head = ByteBuffer.wrap(header(tensor.type(), tensor.shape().dims()));
        ByteBuffer data = ByteBuffer.allocate((int) tensor.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        tensor.writeTo(data);
        data.flip();
        return new ByteBuffer[] {head, data};
    }
}

package dev.gated.engine.data.words;

import dev.gated.engine.data.timeseries.DataFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A buffered file read byte by byte that knows its offset, so errors can name the byte (binary) or line (text)
 * exactly. The embedding readers decode UTF-8 themselves, line by line, because a {@code Reader} decodes ahead
 * and would report a bad byte lines before or after the line holding it.
 */
final class ByteSource implements Closeable {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long offset;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** The last line read, without its end of line. */
    private byte[] line = new byte[256];
    private int lineLength;
    /** Where the last failed {@link #decode} found a byte that is not UTF-8. */
    private int badByte;

    private ByteSource(InputStream in) {
        this.in = in;
    }

    /** Opens {@code file}; a missing one is a data error saying {@code what} was expected. */
    static ByteSource open(Path file, String what) {
        try {
            return new ByteSource(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": expected " + what + ", found no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Bytes consumed so far: the offset of the next byte. */
    long offset() {
        return offset;
    }

    /** The next byte (0 to 255), or -1 at the end of the file. */
    int read() {
        if (pos == limit && !fill()) {
            return -1;
        }
        offset++;
        return buf[pos++] & 0xff;
    }

    /** Reads up to {@code n} bytes into {@code dst}; fewer only at the end of the file. */
    int readFully(byte[] dst, int n) {
        int done = 0;
        while (done < n) {
            if (pos == limit && !fill()) {
                break;
            }
            int k = Math.min(n - done, limit - pos);
            System.arraycopy(buf, pos, dst, done, k);
            pos += k;
            done += k;
            offset += k;
        }
        return done;
    }

    /** Reads the next line (up to {@code \n}, a trailing {@code \r} dropped); false at the end of the file. */
    boolean readLine() {
        lineLength = 0;
        int b = read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n') {
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = (byte) b;
            b = read();
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        return true;
    }

    /** The last line as text; {@code null} if it is not UTF-8, {@link #badByte()} then says where. */
    String lineText() {
        return decode(line, 0, lineLength);
    }

    /** Index in the line (or word) of the first byte that is not UTF-8, after a failed decode. */
    int badByte() {
        return badByte;
    }

    /** {@code bytes[from, from + n)} as UTF-8, or {@code null} if they are not UTF-8 ({@link #badByte()}). */
    String decode(byte[] bytes, int from, int n) {
        ByteBuffer src = ByteBuffer.wrap(bytes, from, n);
        CharBuffer dst = CharBuffer.allocate(n);
        utf8.reset();
        CoderResult r = utf8.decode(src, dst, true);
        if (!r.isError()) {
            r = utf8.flush(dst);
        }
        if (r.isError()) {
            badByte = src.position() - from;
            return null;
        }
        return dst.flip().toString();
    }

    /** A byte in hex, for messages. */
    static String hex(int b) {
        return String.format("0x%02X", b & 0xff);
    }

    byte lineByte(int i) {
        return line[i];
    }

    private boolean fill() {
        try {
            int n = in.read(buf);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

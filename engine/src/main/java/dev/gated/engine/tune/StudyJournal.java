package dev.gated.engine.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * The study's append-only journal, {@code journal.jsonl}: one record per line, {@code CRC32-HEX SPACE JSON}, each
 * appended with fsync while holding {@code journal.lock}, so that processes, containers and pods sharing the study
 * folder see one order of events. The state of the study is a replay of the records ({@link StudyState}).
 *
 * <p>A writer killed mid-append leaves a torn last line (no newline, or a checksum that does not match): readers
 * ignore it, as it was never committed, and the next append cuts it off before writing. A bad line anywhere else
 * means the file was damaged after it was written, and reading stops with the line number.
 */
public final class StudyJournal {
    public static final String FILE = "journal.jsonl";
    static final String LOCK = "journal.lock";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** FileLock excludes processes, not threads of one JVM: this excludes those. */
    private static final Map<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;

    public StudyJournal(Path studyDir) {
        this.file = studyDir.resolve(FILE);
        this.lockFile = studyDir.resolve(LOCK);
    }

    public Path file() {
        return file;
    }

    /** The journal is damaged before its last record. */
    public static final class CorruptJournalException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptJournalException(String message) {
            super(message);
        }
    }

    /** The committed records and the byte length they span (a torn tail lies beyond it). */
    record Contents(List<ObjectNode> records, long validLength) {
    }

    /**
     * Runs {@code action} on the committed records while holding the journal's lock; the records it returns are
     * appended, in order, before the lock is released. Creates the folder and journal if needed.
     */
    public <T> T update(Function<List<ObjectNode>, Update<T>> action) {
        ReentrantLock local = LOCAL.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock();
                 FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                         StandardOpenOption.WRITE)) {
                Contents c = parse(readAll(ch), file);
                Update<T> u = action.apply(c.records());
                if (!u.append().isEmpty()) {
                    if (ch.size() > c.validLength()) {
                        ch.truncate(c.validLength()); // a torn record of a writer that died mid-append
                    }
                    StringBuilder b = new StringBuilder();
                    for (ObjectNode r : u.append()) {
                        b.append(line(r));
                    }
                    ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                    long pos = c.validLength();
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf, pos);
                    }
                    ch.force(false);
                }
                return u.result();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the study journal " + file + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    /** The committed records (empty when there is no journal yet). */
    public List<ObjectNode> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        return update(records -> new Update<>(List.copyOf(records), List.of()));
    }

    /** What {@link #update} appends and returns. */
    public record Update<T>(T result, List<ObjectNode> append) {
        public Update {
            append = List.copyOf(append);
        }
    }

    static String line(ObjectNode record) {
        String json;
        try {
            json = JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return String.format(Locale.ROOT, "%08x %s%n", crc(json), json).replace("\r\n", "\n");
    }

    private static long crc(String json) {
        CRC32 c = new CRC32();
        c.update(json.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    private static byte[] readAll(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(ch.size()));
        long pos = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return buf.array();
    }

    /** The committed records of {@code bytes}; a bad last line is a torn append, any other bad line corruption. */
    static Contents parse(byte[] bytes, Path file) {
        List<ObjectNode> out = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            int nl = start;
            while (nl < bytes.length && bytes[nl] != '\n') {
                nl++;
            }
            lineNo++;
            boolean last = nl >= bytes.length - 1;
            ObjectNode record = nl < bytes.length ? parseLine(new String(bytes, start, nl - start,
                    StandardCharsets.UTF_8)) : null;
            if (record == null) {
                if (last) {
                    return new Contents(out, start); // torn: never committed
                }
                throw new CorruptJournalException(file + ":" + lineNo + ": the study journal is damaged (a record "
                        + "whose checksum does not match, followed by " + countLines(bytes, nl) + " more); it is "
                        + "append-only and checksummed, so this is damage after writing (disk, copy or an edit). "
                        + "Restore the folder from a copy, or start a new study (another study.name).");
            }
            out.add(record);
            start = nl + 1;
        }
        return new Contents(out, start);
    }

    private static int countLines(byte[] bytes, int from) {
        int n = 0;
        for (int i = from + 1; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                n++;
            }
        }
        return n + (bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? 1 : 0);
    }

    /** The record of one line, or null when it is not {@code CRC JSON} with a matching checksum. */
    private static ObjectNode parseLine(String line) {
        if (line.length() < 10 || line.charAt(8) != ' ') {
            return null;
        }
        String json = line.substring(9);
        long expected;
        try {
            expected = Long.parseLong(line.substring(0, 8), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        if (crc(json) != expected) {
            return null;
        }
        try {
            return JSON.readTree(json) instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A new record of {@code type}, for {@link Update#append()}. */
    public static ObjectNode newRecord(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}

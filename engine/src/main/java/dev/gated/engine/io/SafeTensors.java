package dev.gated.engine.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gated.engine.backend.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (as written by {@code safetensors.torch.save_file}): an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}} (optionally padded with spaces), then the tensors' raw little-endian bytes;
 * offsets are relative to the start of that data and the tensors tile it exactly, without gaps or overlaps.
 *
 * <p>Reads F32, F64, I32 and I64 and validates everything, throwing {@link TensorFormatException} with the file
 * and tensor named. Writes atomically: a reader (or a crash) never sees a half-written file, and on failure an
 * existing file is left as it was.
 */
public final class SafeTensors {
    /** The header key that holds string metadata instead of a tensor. */
    public static final String METADATA_KEY = "__metadata__";
    /** The largest header accepted, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Header JSON: objects keep their key order, every integer is a Long, a repeated key is an error. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    /** The tensors of a file in header order, and its metadata (empty when there is none); both unmodifiable. */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The named tensor; fails naming the tensors present when it is missing. */
        public HostTensor tensor(String name) {
            HostTensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no tensor '" + name + "'; the file holds " + tensors.keySet());
            }
            return t;
        }
    }

    private SafeTensors() {
    }

    // ---- reading ----

    public static Contents read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw err(file, "is " + size + " bytes; files over 2 GiB are not supported");
        }
        byte[] bytes = Files.readAllBytes(file);
        return parse(file, bytes);
    }

    static Contents parse(Path file, byte[] bytes) {
        if (bytes.length < 8) {
            throw err(file, "is " + bytes.length + " bytes long; a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen < 0 || headerLen > bytes.length - 8L) {
            throw err(file, "header length " + Long.toUnsignedString(headerLen) + " runs past the end of the file ("
                    + bytes.length + " bytes, so at most " + (bytes.length - 8) + " header bytes)");
        }
        if (headerLen > MAX_HEADER_BYTES) {
            throw err(file, "header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) headerLen)).toString();
        } catch (CharacterCodingException e) {
            throw err(file, "header is not valid UTF-8");
        }
        Object json;
        try {
            json = JSON.readValue(headerText, Object.class);
        } catch (JsonProcessingException e) {
            throw err(file, "header is not valid JSON: " + e.getOriginalMessage() + " at offset "
                    + e.getLocation().getCharOffset());
        }
        if (!(json instanceof Map<?, ?> header)) {
            throw err(file, "header is not a JSON object");
        }
        int dataStart = 8 + (int) headerLen;
        long dataLen = bytes.length - (long) dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw err(file, METADATA_KEY + " is not a JSON object of strings");
                }
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw err(file, METADATA_KEY + "[\"" + me.getKey() + "\"] is not a string");
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            entries.add(entry(file, name, e.getValue()));
        }

        // The tensors must tile [0, dataLen) exactly.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected) {
                throw err(file, "tensor '" + e.name + "': data_offsets " + e.range() + " overlap tensor '"
                        + previous.name + "' " + previous.range());
            }
            if (e.begin > expected) {
                throw err(file, "tensor '" + e.name + "': data_offsets " + e.range() + " leave bytes [" + expected
                        + ", " + e.begin + ") of the data unused; the tensors must tile the data without gaps");
            }
            if (e.end > dataLen) {
                throw err(file, "truncated: tensor '" + e.name + "' needs data bytes " + e.range()
                        + " but the file holds only " + dataLen + " bytes of data after the header");
            }
            expected = e.end;
            previous = e;
        }
        if (expected != dataLen) {
            throw err(file, "has " + (dataLen - expected) + " bytes after the last tensor's data (the tensors end at "
                    + "data byte " + expected + ", the file at " + dataLen + ")");
        }

        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + (int) e.begin, (int) (e.end - e.begin))
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            tensors.put(e.name, HostTensor.readFrom(e.type, e.shape, slice));
        }
        return new Contents(tensors, metadata);
    }

    private record Entry(String name, ElementType type, Shape shape, long begin, long end) {
        String range() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private static Entry entry(Path file, String name, Object value) {
        String where = "tensor '" + name + "': ";
        if (!(value instanceof Map<?, ?> info)) {
            throw err(file, where + "header entry is not a JSON object");
        }
        if (!(info.get("dtype") instanceof String dtype)) {
            throw err(file, where + "\"dtype\" is missing or not a string");
        }
        ElementType type = ElementType.fromSafetensors(dtype);
        if (type == null) {
            throw err(file, where + "unknown or unsupported dtype '" + dtype + "'; supported: F32, F64, I32, I64");
        }
        if (!(info.get("shape") instanceof List<?> dimsJson)) {
            throw err(file, where + "\"shape\" is missing or not an array");
        }
        int[] dims = new int[dimsJson.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(dimsJson.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw err(file, where + "shape " + dimsJson + " has a dimension that is not an integer in [0, 2^31)");
            }
            dims[i] = (int) (long) d;
            numel *= d;
            if (numel > Integer.MAX_VALUE) {
                throw err(file, where + "shape " + dimsJson + " has more than 2^31-1 elements");
            }
        }
        if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
            throw err(file, where + "\"data_offsets\" is missing or not an array of two integers");
        }
        if (begin < 0 || end < begin) {
            throw err(file, where + "data_offsets [" + begin + ", " + end + "] are not an interval 0 <= begin <= end");
        }
        long need = numel * type.bytes();
        if (end - begin != need) {
            throw err(file, where + "data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                    + " bytes but shape " + dimsJson + " of " + type + " needs " + need);
        }
        return new Entry(name, type, Shape.of(dims), begin, end);
    }

    private static TensorFormatException err(Path file, String what) {
        return new TensorFormatException("safetensors file " + file + ": " + what);
    }

    // ---- writing ----

    public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes the tensors in the map's iteration order, and the metadata, atomically. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, null);
    }

    static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata,
                      AtomicFiles.BeforeMove beforeMove) throws IOException {
        AtomicFiles.write(file, encode(file, tensors, metadata), beforeMove);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a string as JSON", e);
        }
    }

    static ByteBuffer[] encode(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        if (tensors == null || metadata == null) {
            throw new IllegalArgumentException("cannot write " + file + ": tensors and metadata are required");
        }
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append(quote(METADATA_KEY)).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("cannot write " + file + ": metadata keys and values must not be null");
                }
                h.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(quote(e.getValue()));
                first = false;
            }
            h.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            HostTensor t = e.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY) || t == null) {
                throw new IllegalArgumentException("cannot write " + file + ": bad tensor entry '" + name
                        + "' (names must be non-empty and not " + METADATA_KEY + ", tensors non-null)");
            }
            if (h.length() > 1) {
                h.append(',');
            }
            h.append(quote(name)).append(":{\"dtype\":\"").append(t.type().safetensorsName())
                    .append("\",\"shape\":[");
            int[] dims = t.shape().dims();
            for (int i = 0; i < dims.length; i++) {
                h.append(i == 0 ? "" : ",").append(dims[i]);
            }
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.byteSize()).append("]}");
            offset += t.byteSize();
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (offset + padded + 8 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot write " + file + ": files over 2 GiB are not supported");
        }
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        for (HostTensor t : tensors.values()) {
            t.writeTo(data);
        }
        data.flip();
        return new ByteBuffer[] {head, data};
    }
}

package dev.gated.engine.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction (nodes, initializers, typed inputs and outputs) and its serialisation as a
 * ModelProto. Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto, StringStringEntryProto); only the
 * default domain (ai.onnx) is used.
 */
final class OnnxGraph {
    /** TensorProto.DataType values. */
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    /** IR version 8 is the one that goes with opset 17 (LayerNormalization's first opset). */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<String> signature = new ArrayList<>();
    private int counter;

    /** An attribute of a node. */
    record Attr(String name, ProtoWriter proto) {
        static Attr i(String name, long v) {
            return new Attr(name, new ProtoWriter().string(1, name).varint(20, 2).varint(3, v));
        }

        static Attr f(String name, float v) {
            return new Attr(name, new ProtoWriter().string(1, name).varint(20, 1).float32(2, v));
        }

        static Attr s(String name, String v) {
            return new Attr(name, new ProtoWriter().string(1, name).varint(20, 3).string(4, v));
        }

        static Attr ints(String name, long... v) {
            ProtoWriter p = new ProtoWriter().string(1, name).varint(20, 7);
            for (long x : v) {
                p.varint(8, x);
            }
            return new Attr(name, p);
        }
    }

    /** A fresh value name starting with {@code prefix}. */
    String fresh(String prefix) {
        String n;
        do {
            n = prefix + "_" + counter++;
        } while (names.contains(n));
        names.add(n);
        return n;
    }

    /**
     * A graph input; {@code dims} entries are Integer (a fixed size) or String (a named dynamic dimension).
     */
    String input(String name, String doc, int elemType, Object... dims) {
        claim(name);
        inputs.add(valueInfo(name, doc, elemType, dims));
        signature.add("input  " + describe(name, doc, elemType, dims));
        return name;
    }

    /** Names {@code value} {@code name} (an Identity node) and makes it a graph output. */
    void output(String value, String name, String doc, int elemType, Object... dims) {
        claim(name);
        node("Identity", List.of(value), List.of(name));
        outputs.add(valueInfo(name, doc, elemType, dims));
        signature.add("output " + describe(name, doc, elemType, dims));
    }

    /** One line per graph input and output: name, type, shape and what it holds. */
    List<String> signature() {
        return List.copyOf(signature);
    }

    private static String describe(String name, String doc, int elemType, Object... dims) {
        StringBuilder b = new StringBuilder(name).append(": ")
                .append(elemType == FLOAT ? "float32" : elemType == INT32 ? "int32" : "int64").append(" [");
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return b.append("]: ").append(doc).toString();
    }

    /** A float initializer of shape {@code dims}, values row-major. */
    String floats(String prefix, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return initializer(prefix, FLOAT, dims, values.length, b.array());
    }

    /** An int64 initializer of shape {@code dims}. */
    String longs(String prefix, long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return initializer(prefix, INT64, dims, values.length, b.array());
    }

    /** A 1-D int64 initializer. */
    String longs(String prefix, long... values) {
        return longs(prefix, new long[] {values.length}, values);
    }

    private String initializer(String prefix, int type, long[] dims, int count, byte[] raw) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException(prefix + ": shape " + java.util.Arrays.toString(dims) + " holds " + n
                    + " values, got " + count);
        }
        String name = fresh(prefix);
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, type).string(8, name).bytes(9, raw);
        initializers.add(t);
        return name;
    }

    /** A node with one output, named fresh from the op type; returns the output's name. */
    String op(String opType, List<String> in, Attr... attrs) {
        String out = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        node(opType, in, List.of(out), attrs);
        return out;
    }

    /** A node; an empty input name stands for an optional input left out. */
    void node(String opType, List<String> in, List<String> out, Attr... attrs) {
        ProtoWriter n = new ProtoWriter();
        in.forEach(s -> n.string(1, s));
        for (String s : out) {
            n.string(2, s);
            names.add(s);
        }
        n.string(3, "n" + nodes.size() + "_" + opType).string(4, opType);
        for (Attr a : attrs) {
            n.message(5, a.proto());
        }
        nodes.add(n);
    }

    /** The ModelProto: IR {@value #IR_VERSION}, opset {@value #OPSET}, with {@code metadata} as metadata_props. */
    byte[] model(String graphName, String producerVersion, String doc, Map<String, String> metadata) {
        ProtoWriter g = new ProtoWriter();
        nodes.forEach(n -> g.message(1, n));
        g.string(2, graphName);
        initializers.forEach(t -> g.message(5, t));
        inputs.forEach(v -> g.message(11, v));
        outputs.forEach(v -> g.message(12, v));
        ProtoWriter m = new ProtoWriter().varint(1, IR_VERSION)
                .string(2, "gated").string(3, producerVersion).varint(5, 1).string(6, doc).message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        for (Map.Entry<String, String> e : new LinkedHashMap<>(metadata).entrySet()) {
            m.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return m.toByteArray();
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in this graph");
        }
    }

    private static ProtoWriter valueInfo(String name, String doc, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof Integer i) {
                dim.varint(1, i);
            } else {
                dim.string(2, (String) d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensor = new ProtoWriter().varint(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor)).string(3, doc);
    }
}

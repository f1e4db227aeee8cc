package dev.gated.engine.io;

import dev.gated.engine.backend.Shape;
import java.util.Arrays;

/**
 * An immutable tensor in host memory, without a name: an element type, a row-major {@link Shape} and its values
 * as a {@code float[]}, {@code double[]}, {@code int[]} or {@code long[]}. Arrays are copied in and out.
 */
public final class HostTensor {
    private final ElementType type;
    private final Shape shape;
    /** float[], double[], int[] or long[] matching {@link #type}; never exposed. */
    private final Object data;

    private HostTensor(ElementType type, Shape shape, Object data, int length) {
        if (shape == null) {
            throw new IllegalArgumentException("shape: required, got null");
        }
        if (length != shape.numel()) {
            throw new IllegalArgumentException("data: expected " + shape.numel() + " values for shape " + shape
                    + ", got " + length);
        }
        this.type = type;
        this.shape = shape;
        this.data = data;
    }

    public static HostTensor ofFloats(Shape shape, float[] values) {
        return new HostTensor(ElementType.F32, shape, values.clone(), values.length);
    }

    public static HostTensor ofDoubles(Shape shape, double[] values) {
        return new HostTensor(ElementType.F64, shape, values.clone(), values.length);
    }

    public static HostTensor ofInts(Shape shape, int[] values) {
        return new HostTensor(ElementType.I32, shape, values.clone(), values.length);
    }

    public static HostTensor ofLongs(Shape shape, long[] values) {
        return new HostTensor(ElementType.I64, shape, values.clone(), values.length);
    }

    public ElementType type() {
        return type;
    }

    public Shape shape() {
        return shape;
    }

    public int numel() {
        return shape.numel();
    }

    /** Size of the raw data in bytes. */
    public long byteSize() {
        return (long) shape.numel() * type.bytes();
    }

    /** The values as float32 (float64 and integers are converted, possibly losing precision). */
    public float[] toFloatArray() {
        int n = numel();
        float[] out = new float[n];
        switch (type) {
            case F32 -> System.arraycopy(data, 0, out, 0, n);
            case F64 -> { double[] d = (double[]) data; for (int i = 0; i < n; i++) out[i] = (float) d[i]; }
            case I32 -> { int[] d = (int[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case I64 -> { long[] d = (long[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
        }
        return out;
    }

    /** The values as float64 (exact for F32, F64 and I32). */
    public double[] toDoubleArray() {
        int n = numel();
        double[] out = new double[n];
        switch (type) {
            case F32 -> { float[] d = (float[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case F64 -> System.arraycopy(data, 0, out, 0, n);
            case I32 -> { int[] d = (int[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
            case I64 -> { long[] d = (long[]) data; for (int i = 0; i < n; i++) out[i] = d[i]; }
        }
        return out;
    }

    /** The values of an integer tensor as int; fails for floats and for I64 values outside the int range. */
    public int[] toIntArray() {
        int n = numel();
        return switch (type) {
            case I32 -> ((int[]) data).clone();
            case I64 -> {
                long[] d = (long[]) data;
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    if (d[i] < Integer.MIN_VALUE || d[i] > Integer.MAX_VALUE) {
                        throw new ArithmeticException("element " + i + " = " + d[i] + " does not fit an int");
                    }
                    out[i] = (int) d[i];
                }
                yield out;
            }
            default -> throw new IllegalStateException("toIntArray: expected an I32 or I64 tensor, got " + type);
        };
    }

    /** The values of an integer tensor as long; fails for floats. */
    public long[] toLongArray() {
        return switch (type) {
            case I32 -> Arrays.stream((int[]) data).asLongStream().toArray();
            case I64 -> ((long[]) data).clone();
            default -> throw new IllegalStateException("toLongArray: expected an I32 or I64 tensor, got " + type);
        };
    }

    /** Puts the raw little-endian bytes into {@code buf} (whose order must be little-endian). */
    void writeTo(java.nio.ByteBuffer buf) {
        switch (type) {
            case F32 -> buf.asFloatBuffer().put((float[]) data);
            case F64 -> buf.asDoubleBuffer().put((double[]) data);
            case I32 -> buf.asIntBuffer().put((int[]) data);
            case I64 -> buf.asLongBuffer().put((long[]) data);
        }
        buf.position(buf.position() + (int) byteSize());
    }

    /** Reads {@code shape.numel()} elements from a little-endian buffer (from its position; it does not move). */
    static HostTensor readFrom(ElementType type, Shape shape, java.nio.ByteBuffer buf) {
        int n = shape.numel();
        Object data = switch (type) {
            case F32 -> { float[] a = new float[n]; buf.asFloatBuffer().get(a); yield a; }
            case F64 -> { double[] a = new double[n]; buf.asDoubleBuffer().get(a); yield a; }
            case I32 -> { int[] a = new int[n]; buf.asIntBuffer().get(a); yield a; }
            case I64 -> { long[] a = new long[n]; buf.asLongBuffer().get(a); yield a; }
        };
        return new HostTensor(type, shape, data, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor t && type == t.type && shape.equals(t.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {t.data});
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + shape.hashCode()) + Arrays.deepHashCode(new Object[] {data});
    }

    @Override
    public String toString() {
        return "HostTensor(" + type + ", " + shape + ")";
    }
}

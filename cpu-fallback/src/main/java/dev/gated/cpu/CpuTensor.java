package dev.gated.cpu;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;

/** A heap tensor: a float[] (float32) or double[] (float64), always whole and contiguous. */
final class CpuTensor implements Tensor {
    private final CpuBackend backend;
    private final Shape shape;
    private final DType dtype;
    private final float[] f;
    private final double[] d;

    CpuTensor(CpuBackend backend, Shape shape, float[] f, double[] d) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = f != null ? DType.FLOAT32 : DType.FLOAT64;
        this.f = f;
        this.d = d;
        Checks.numel("storage for shape " + shape, f != null ? f.length : d.length, shape.numel());
    }

    static CpuTensor zeros(CpuBackend backend, DType dtype, Shape shape) {
        int n = shape.numel();
        return dtype == DType.FLOAT32 ? new CpuTensor(backend, shape, new float[n], null)
                : new CpuTensor(backend, shape, null, new double[n]);
    }

    /** The float32 storage; fails for a float64 tensor. */
    float[] f() {
        if (f == null) {
            throw new IllegalArgumentException("expected a float32 tensor, got float64 " + shape);
        }
        return f;
    }

    /** The float64 storage; fails for a float32 tensor. */
    double[] d() {
        if (d == null) {
            throw new IllegalArgumentException("expected a float64 tensor, got float32 " + shape);
        }
        return d;
    }

    boolean isFloat() {
        return f != null;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor reshape(Shape newShape) {
        Checks.numel("reshape of " + shape + " to " + newShape, newShape.numel(), shape.numel());
        return new CpuTensor(backend, newShape, f, d);
    }

    /** Heap memory is reclaimed by the garbage collector; nothing to release. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "CpuTensor" + shape + " " + dtype;
    }
}

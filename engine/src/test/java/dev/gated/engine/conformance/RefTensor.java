package dev.gated.engine.conformance;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;

/** A {@link ReferenceBackend} tensor: every value a double, rounded to float after each write for float32. */
final class RefTensor implements Tensor {
    private final ReferenceBackend backend;
    final double[] data;
    final Shape shape;
    final DType dtype;

    RefTensor(ReferenceBackend backend, double[] data, Shape shape, DType dtype) {
        this.backend = backend;
        this.data = data;
        this.shape = shape;
        this.dtype = dtype;
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
        return new RefTensor(backend, data, newShape, dtype);
    }

    @Override
    public void close() {
    }

    void set(int i, double v) {
        data[i] = dtype == DType.FLOAT32 ? (double) (float) v : v;
    }

    @Override
    public String toString() {
        return "RefTensor" + shape + " " + dtype;
    }
}

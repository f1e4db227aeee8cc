package dev.gated.engine.backend;

/**
 * A dense, contiguous, row-major buffer owned by one {@link Backend} (host memory for the CPU backend,
 * device memory for the GPU backend). Data moves in and out only through the backend.
 */
public interface Tensor extends AutoCloseable {
    Shape shape();

    DType dtype();

    Backend backend();

    /** A view with another shape over the same storage; the element count must not change. */
    Tensor reshape(Shape shape);

    default Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    default int numel() {
        return shape().numel();
    }

    /** Releases the storage (views share it: close the tensor that was allocated). Idempotent. */
    @Override
    void close();
}

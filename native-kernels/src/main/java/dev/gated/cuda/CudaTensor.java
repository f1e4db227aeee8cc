package dev.gated.cuda;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Checks;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import jcuda.driver.CUdeviceptr;

/**
 * A dense row-major device buffer of a {@link CudaBackend}. Views made by {@link #reshape} share the storage;
 * closing the tensor that was allocated frees it (closing a view does nothing), and using a tensor whose storage
 * was freed is an error that names the argument.
 */
final class CudaTensor implements Tensor {
    /** The device allocation shared by a tensor and its views. */
    static final class Storage {
        final CUdeviceptr pointer;
        final long bytes;
        boolean freed;

        Storage(CUdeviceptr pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }
    }

    private final CudaBackend backend;
    private final Storage storage;
    private final Shape shape;
    private final DType dtype;
    private final boolean view;

    CudaTensor(CudaBackend backend, Storage storage, Shape shape, DType dtype, boolean view) {
        this.backend = backend;
        this.storage = storage;
        this.shape = shape;
        this.dtype = dtype;
        this.view = view;
    }

    /** t as a CUDA tensor, or an IllegalArgumentException naming {@code argName} if it is another backend's. */
    static CudaTensor of(Tensor t, String argName) {
        Checks.present(argName, t);
        if (!(t instanceof CudaTensor c)) {
            throw new IllegalArgumentException(argName + ": expected a tensor of the cuda backend, got "
                    + t.getClass().getSimpleName() + " of backend '" + t.backend().name() + "'");
        }
        c.checkLive(argName);
        return c;
    }

    /** Fails naming {@code argName} if the storage has been freed. */
    void checkLive(String argName) {
        if (storage.freed) {
            throw new IllegalArgumentException(argName + ": tensor " + shape + " " + dtype + " has been closed");
        }
    }

    /** Device address of element 0. */
    CUdeviceptr pointer() {
        if (storage.freed) {
            throw new IllegalStateException("tensor " + shape + " " + dtype + " has been closed");
        }
        return storage.pointer;
    }

    /** Bytes of this tensor's elements (numel * dtype size). */
    long bytes() {
        return (long) shape.numel() * dtype.bytes();
    }

    Storage storage() {
        return storage;
    }

    boolean sharesStorage(CudaTensor other) {
        return storage == other.storage;
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
        return new CudaTensor(backend, storage, newShape, dtype, true);
    }

    @Override
    public void close() {
        if (!view) {
            backend.release(storage);
        }
    }

    @Override
    public String toString() {
        return "CudaTensor" + shape + " " + dtype;
    }
}

package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Tensors of one pass, closed together when the pass ends (a pass allocates dozens; none may leak). */
final class Scope implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final List<AutoCloseable> owned = new ArrayList<>();

    Scope(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    Tensor zeros(int... dims) {
        return own(backend.allocate(dtype, Shape.of(dims)));
    }

    Tensor upload(float[] values, int... dims) {
        return own(backend.upload(values, Shape.of(dims), dtype));
    }

    <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a pass's tensors: " + e.getMessage(), e);
            }
        }
        owned.clear();
    }
}

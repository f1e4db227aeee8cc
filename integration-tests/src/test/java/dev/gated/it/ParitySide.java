package dev.gated.it;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import java.util.function.Supplier;

/**
 * One side of a parity comparison: a backend factory and the dtype it computes in.
 *
 * @param label e.g. "cuda float32"
 */
record ParitySide(String label, Supplier<Backend> factory, DType dtype) {
    @Override
    public String toString() {
        return label;
    }
}

package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.io.HostTensor;
import java.util.List;

/**
 * A model's trainable tensors as the {@link Optimizer} and checkpoints see them: parameter and gradient tensors
 * by group (one backend tensor each, e.g. an RNN's flat weight buffer or a linear layer's weight), and PyTorch
 * names for the canonical tensors inside them. Optimizer state (Adam's moments, ...) is laid out like the
 * parameter groups, so the same name mapping reads and writes it.
 */
public interface ParameterSet {
    Backend backend();

    /** PyTorch names in state_dict order. */
    List<String> parameterNames();

    /** The canonical (PyTorch) shape of parameter {@code name}. */
    Shape parameterShape(String name);

    /** The parameter tensors by group. */
    Tensor[] parameterGroups();

    /** The gradient tensors by group, laid out like {@link #parameterGroups()}. */
    Tensor[] gradientGroups();

    /** False for a group that is not trained (a frozen embedding): optimizers and penalties skip it. */
    boolean trainable(int group);

    /** Parameter {@code name}'s part of per-group tensors laid out like the parameters, row-major. */
    double[] read(String name, Tensor[] groups);

    /** Writes parameter {@code name}'s part of per-group tensors laid out like the parameters. */
    void write(String name, double[] values, Tensor[] groups);

    /**
     * Buffers in state_dict order: tensors saved with the model that are not parameters (no gradient, never seen by
     * the optimizer), e.g. BatchNorm running statistics. None by default.
     */
    default List<String> bufferNames() {
        return List.of();
    }

    /** The canonical shape of buffer {@code name}. */
    default Shape bufferShape(String name) {
        throw new IllegalArgumentException("buffer '" + name + "' is not part of this model; it has none");
    }

    /** Buffer {@code name}'s values, in the element type PyTorch stores it in. */
    default HostTensor readBuffer(String name) {
        throw new IllegalArgumentException("buffer '" + name + "' is not part of this model; it has none");
    }

    /** Overwrites buffer {@code name}. */
    default void writeBuffer(String name, HostTensor value) {
        throw new IllegalArgumentException("buffer '" + name + "' is not part of this model; it has none");
    }
}

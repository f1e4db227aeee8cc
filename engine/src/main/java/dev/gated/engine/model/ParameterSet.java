package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
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
}

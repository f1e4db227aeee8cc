package dev.gated.engine.model.seq2seq;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter and gradient tensors of a model assembled from parts, by group: a plain tensor has one PyTorch
 * name; an RNN's flat weight buffer holds the canonical tensors named under a prefix ({@code encoder.rnn.} +
 * {@code weight_ih_l0}, ...), read and written through its plan. Names keep the order the groups were added in.
 */
final class ParameterTable implements AutoCloseable {
    private record Group(String name, RnnPlan plan, boolean trainable) {}

    /** Where a name lives: its group and, for an RNN tensor, its canonical name inside the plan. */
    private record Entry(int group, String rnnName, Shape shape) {}

    private final Backend backend;
    private final DType dtype;
    private final List<Group> groups = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> grads = new ArrayList<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ParameterTable(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    /** Adds a plain tensor; returns its group. */
    int add(String name, Shape shape, boolean trainable) {
        int g = allocate(new Group(name, null, trainable), shape);
        entries.put(name, new Entry(g, null, shape));
        return g;
    }

    /** Adds an RNN's flat weight buffer, its tensors named {@code prefix + canonical name}; returns its group. */
    int addRnn(String prefix, RnnPlan plan) {
        int g = allocate(new Group(prefix, plan, true), Shape.of(plan.weightSpaceSize()));
        for (RnnParam p : plan.spec().parameters()) {
            entries.put(prefix + p.name(), new Entry(g, p.name(), p.shape()));
        }
        return g;
    }

    private int allocate(Group group, Shape shape) {
        groups.add(group);
        params.add(backend.allocate(dtype, shape));
        grads.add(backend.allocate(dtype, shape));
        return groups.size() - 1;
    }

    Tensor param(int group) {
        return params.get(group);
    }

    Tensor grad(int group) {
        return grads.get(group);
    }

    boolean trainable(int group) {
        return groups.get(group).trainable();
    }

    Tensor[] parameterGroups() {
        return params.toArray(new Tensor[0]);
    }

    Tensor[] gradientGroups() {
        return grads.toArray(new Tensor[0]);
    }

    List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
    }

    Shape shape(String name) {
        return entry(name).shape();
    }

    long parameterCount() {
        long n = 0;
        for (Entry e : entries.values()) {
            n += e.shape().numel();
        }
        return n;
    }

    double[] read(String name, Tensor[] tensors) {
        Entry e = entry(name);
        if (e.rnnName() == null) {
            return backend.download(tensors[e.group()]);
        }
        try (Tensor t = backend.allocate(dtype, e.shape())) {
            groups.get(e.group()).plan().readParameter(tensors[e.group()], e.rnnName(), t);
            return backend.download(t);
        }
    }

    void write(String name, double[] values, Tensor[] tensors) {
        Entry e = entry(name);
        if (values == null || values.length != e.shape().numel()) {
            throw new IllegalArgumentException(name + ": expected " + e.shape().numel() + " values for shape "
                    + e.shape() + ", got " + (values == null ? "null" : values.length));
        }
        try (Tensor t = backend.upload(values, e.shape(), dtype)) {
            if (e.rnnName() == null) {
                backend.copy(t, tensors[e.group()]);
            } else {
                groups.get(e.group()).plan().writeParameter(tensors[e.group()], e.rnnName(), t);
            }
        }
    }

    void zeroGradients() {
        for (Tensor g : grads) {
            backend.fill(g, 0);
        }
    }

    /** The global L2 norm of the trainable gradients (as {@code torch.nn.utils.clip_grad_norm_} computes it). */
    double gradientNorm() {
        double sum = 0;
        for (int g = 0; g < grads.size(); g++) {
            sum += trainable(g) ? backend.sumOfSquares(grads.get(g)) : 0;
        }
        return Math.sqrt(sum);
    }

    /** Scales the gradients to a global norm of at most {@code maxNorm} like PyTorch; returns the norm before. */
    double clipGradientNorm(double maxNorm) {
        double norm = gradientNorm();
        double scale = maxNorm / (norm + 1e-6);
        for (int g = 0; scale < 1 && g < grads.size(); g++) {
            if (trainable(g)) {
                backend.axpby(0, grads.get(g), scale, grads.get(g));
            }
        }
        return norm;
    }

    /** The first parameter name whose gradient is not finite, or null. */
    String firstNonFiniteGradient() {
        Tensor[] all = gradientGroups();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            int g = e.getValue().group();
            if (trainable(g) && !backend.allFinite(grads.get(g))) {
                for (double v : read(e.getKey(), all)) {
                    if (!Double.isFinite(v)) {
                        return e.getKey();
                    }
                }
            }
        }
        return null;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of this model; expected one of "
                    + entries.keySet());
        }
        return e;
    }

    @Override
    public void close() {
        params.forEach(Tensor::close);
        grads.forEach(Tensor::close);
    }
}

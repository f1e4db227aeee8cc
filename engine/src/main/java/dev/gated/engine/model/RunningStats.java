package dev.gated.engine.model;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.DType;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The running statistics of a model's BatchNorms: buffers, not parameters. They are saved with the model (in
 * checkpoints and {@code model.safetensors}, under PyTorch's names {@code <prefix>running_mean}, {@code running_var}
 * and {@code num_batches_tracked}) but are moved only by training forwards, never by the optimizer, weight decay or
 * gradient clipping (they are in no parameter or gradient group). Start: mean 0, variance 1, count 0 (PyTorch's).
 */
final class RunningStats implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final List<String> prefixes = new ArrayList<>();
    private final List<Tensor> means = new ArrayList<>();
    private final List<Tensor> vars = new ArrayList<>();
    private final List<long[]> counts = new ArrayList<>();

    RunningStats(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    /**
     * The sites of a model: site 0 the input norm (when there is one), then one per layer with norm batch (layer
     * k at site k, or k + 1 after an input norm).
     */
    static RunningStats of(Backend backend, RnnSpec spec, Stacking stacking) {
        RunningStats stats = new RunningStats(backend, spec.dtype());
        if (stacking.inputNorm()) {
            stats.add(SequenceModel.INPUT_NORM_PREFIX, spec.inputSize());
        }
        for (int k = 0; stacking.batchNorm() && k < spec.numLayers(); k++) {
            stats.add(SequenceModel.BATCH_NORM_PREFIX + k + ".", spec.outputSize());
        }
        return stats;
    }

    /** Adds a site of {@code features} (e.g. {@code "batch_norms.0."}); returns its index. */
    int add(String prefix, int features) {
        prefixes.add(prefix);
        Tensor mean = backend.allocate(dtype, Shape.of(features));
        Tensor var = backend.allocate(dtype, Shape.of(features));
        backend.fill(var, 1);
        means.add(mean);
        vars.add(var);
        counts.add(new long[1]);
        return prefixes.size() - 1;
    }

    Tensor mean(int site) {
        return means.get(site);
    }

    Tensor var(int site) {
        return vars.get(site);
    }

    /** Counts a training batch of site {@code site} (PyTorch's num_batches_tracked). */
    void tracked(int site) {
        counts.get(site)[0]++;
    }

    /** Buffer names in state_dict order: running_mean, running_var, num_batches_tracked per site. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (String p : prefixes) {
            names.add(p + "running_mean");
            names.add(p + "running_var");
            names.add(p + "num_batches_tracked");
        }
        return Collections.unmodifiableList(names);
    }

    Shape shape(String name) {
        int site = site(name);
        return name.endsWith("num_batches_tracked") ? Shape.of() : means.get(site).shape();
    }

    /** A buffer's values: float32 statistics, the count as a 0-d int64 tensor (as PyTorch stores them). */
    HostTensor read(String name) {
        int site = site(name);
        if (name.endsWith("num_batches_tracked")) {
            return HostTensor.ofLongs(Shape.of(), new long[] {counts.get(site)[0]});
        }
        Tensor t = name.endsWith("running_mean") ? means.get(site) : vars.get(site);
        return HostTensor.ofFloats(t.shape(), backend.downloadFloat(t));
    }

    void write(String name, HostTensor value) {
        int site = site(name);
        if (!value.shape().equals(shape(name))) {
            throw new IllegalArgumentException(name + ": expected shape " + shape(name) + ", got " + value.shape());
        }
        if (name.endsWith("num_batches_tracked")) {
            // A float count (e.g. from an older writer) is accepted when it is a whole number.
            double v = value.toDoubleArray()[0];
            if (v < 0 || v != Math.rint(v)) {
                throw new IllegalArgumentException(name + ": expected a whole number >= 0, got " + v);
            }
            counts.get(site)[0] = (long) v;
            return;
        }
        Tensor dst = name.endsWith("running_mean") ? means.get(site) : vars.get(site);
        try (Tensor t = backend.upload(value.toDoubleArray(), dst.shape(), dtype)) {
            backend.copy(t, dst);
        }
    }

    private int site(String name) {
        for (int s = 0; name != null && s < prefixes.size(); s++) {
            String rest = name.startsWith(prefixes.get(s)) ? name.substring(prefixes.get(s).length()) : "";
            if (rest.equals("running_mean") || rest.equals("running_var") || rest.equals("num_batches_tracked")) {
                return s;
            }
        }
        throw new IllegalArgumentException("buffer '" + name + "' is not part of this model; expected one of "
                + names());
    }

    @Override
    public void close() {
        means.forEach(Tensor::close);
        vars.forEach(Tensor::close);
    }
}

package dev.gated.engine.model;

import static dev.gated.engine.model.SequenceModel.EMBEDDING_WEIGHT;
import static dev.gated.engine.model.SequenceModel.HEAD_BIAS;
import static dev.gated.engine.model.SequenceModel.HEAD_WEIGHT;
import static dev.gated.engine.model.SequenceModel.LAYER_NORM_PREFIX;
import static dev.gated.engine.model.SequenceModel.RNN_PREFIX;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.BinaryOp;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.backend.Tensor;
import dev.gated.engine.rnn.RnnParam;
import dev.gated.engine.rnn.RnnPlan;
import dev.gated.engine.rnn.RnnSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A {@link SequenceModel}'s parameter and gradient tensors by group: access by PyTorch name, gradient clipping. */
final class ModelParameters implements AutoCloseable {
    /** Parameter groups, each one tensor on the backend: the RNN's flat buffer, the head's weight and bias. */
    static final int RNN = 0;
    static final int WEIGHT = 1;
    static final int BIAS = 2;

    private final Backend backend;
    private final RnnSpec spec;
    private final RnnPlan plan;
    private final boolean layerNorm;
    /** The embedding's config, or null without one. */
    private final Embedding embedding;
    /** The embedding weight's group (the last one), or -1 without an embedding. */
    final int embeddingGroup;
    /**
     * Parameters and gradients by group (RNN, WEIGHT, BIAS, then per layer LayerNorm gain and bias, then the
     * embedding weight).
     */
    final Tensor[] params;
    final Tensor[] grads;

    /**
     * Zero parameters and gradients for an RNN of {@code plan}, a head of {@code outputSize}, layer norms and an
     * embedding ({@code embedding} may be null).
     */
    ModelParameters(Backend backend, RnnSpec spec, RnnPlan plan, int outputSize, boolean layerNorm,
                    Embedding embedding) {
        this.backend = backend;
        this.spec = spec;
        this.plan = plan;
        this.layerNorm = layerNorm;
        this.embedding = embedding;
        int fanIn = spec.outputSize();
        int lnEnd = 3 + (layerNorm ? 2 * spec.numLayers() : 0);
        int groups = lnEnd + (embedding == null ? 0 : 1);
        this.embeddingGroup = embedding == null ? -1 : lnEnd;
        Shape[] shapes = new Shape[groups];
        shapes[RNN] = Shape.of(plan.weightSpaceSize());
        shapes[WEIGHT] = Shape.of(outputSize, fanIn);
        shapes[BIAS] = Shape.of(outputSize);
        for (int g = 3; g < lnEnd; g++) {
            shapes[g] = Shape.of(fanIn);
        }
        if (embedding != null) {
            shapes[embeddingGroup] = Shape.of(embedding.vocabSize(), embedding.dim());
        }
        this.params = new Tensor[groups];
        this.grads = new Tensor[groups];
        for (int g = 0; g < groups; g++) {
            params[g] = backend.allocate(spec.dtype(), shapes[g]);
            grads[g] = backend.allocate(spec.dtype(), shapes[g]);
        }
    }

    /** The group of layer k's LayerNorm gain ({@code weight}) or bias. */
    static int layerNormGroup(int k, boolean weight) {
        return 3 + 2 * k + (weight ? 0 : 1);
    }

    /** LayerNorm gain, bias per layer among the groups {@code groups} (params or grads); empty without. */
    Tensor[] layerNorms(Tensor[] groups) {
        return Arrays.copyOfRange(groups, 3, 3 + (layerNorm ? 2 * spec.numLayers() : 0));
    }

    /** False for a group that is not trained (a frozen embedding): no gradient, norm, penalty or update. */
    boolean trainable(int group) {
        return group != embeddingGroup || !embedding.frozen();
    }

    /** PyTorch names in state_dict order (see {@link SequenceModel#parameterNames()}). */
    List<String> names() {
        List<String> names = new ArrayList<>();
        if (embedding != null) {
            names.add(EMBEDDING_WEIGHT);
        }
        for (RnnParam p : spec.parameters()) {
            names.add(RNN_PREFIX + p.name());
        }
        for (int k = 0; layerNorm && k < spec.numLayers(); k++) {
            names.add(LAYER_NORM_PREFIX + k + ".weight");
            names.add(LAYER_NORM_PREFIX + k + ".bias");
        }
        names.add(HEAD_WEIGHT);
        names.add(HEAD_BIAS);
        return Collections.unmodifiableList(names);
    }

    Shape shape(String name) {
        if (embedding != null && EMBEDDING_WEIGHT.equals(name)) {
            return params[embeddingGroup].shape();
        }
        return switch (name) {
            case HEAD_WEIGHT -> params[WEIGHT].shape();
            case HEAD_BIAS -> params[BIAS].shape();
            default -> layerNormGroup(name) >= 0 ? params[layerNormGroup(name)].shape()
                    : spec.parameter(rnnName(name)).shape();
        };
    }

    /** Reads parameter {@code name}'s part of per-group tensors laid out like the parameters (e.g. Adam's moments). */
    double[] read(String name, Tensor[] groups) {
        if (embedding != null && EMBEDDING_WEIGHT.equals(name)) {
            return backend.download(groups[embeddingGroup]);
        }
        return switch (name) {
            case HEAD_WEIGHT -> backend.download(groups[WEIGHT]);
            case HEAD_BIAS -> backend.download(groups[BIAS]);
            default -> {
                if (layerNormGroup(name) >= 0) {
                    yield backend.download(groups[layerNormGroup(name)]);
                }
                String rnnName = rnnName(name);
                try (Tensor t = backend.allocate(spec.dtype(), spec.parameter(rnnName).shape())) {
                    plan.readParameter(groups[RNN], rnnName, t);
                    yield backend.download(t);
                }
            }
        };
    }

    /** Writes parameter {@code name}'s part of per-group tensors laid out like the parameters. */
    void write(String name, double[] values, Tensor[] groups) {
        Shape shape = shape(name);
        if (values == null || values.length != shape.numel()) {
            throw new IllegalArgumentException(name + ": expected " + shape.numel() + " values for shape " + shape
                    + ", got " + (values == null ? "null" : values.length));
        }
        if (embedding != null && EMBEDDING_WEIGHT.equals(name)) {
            uploadInto(values, groups[embeddingGroup]);
            return;
        }
        switch (name) {
            case HEAD_WEIGHT -> uploadInto(values, groups[WEIGHT]);
            case HEAD_BIAS -> uploadInto(values, groups[BIAS]);
            default -> {
                if (layerNormGroup(name) >= 0) {
                    uploadInto(values, groups[layerNormGroup(name)]);
                    return;
                }
                try (Tensor t = backend.upload(values, shape, spec.dtype())) {
                    plan.writeParameter(groups[RNN], rnnName(name), t);
                }
            }
        }
    }

    private void uploadInto(double[] values, Tensor dst) {
        try (Tensor t = backend.upload(values, dst.shape(), spec.dtype())) {
            backend.copy(t, dst);
        }
    }

    /** The global L2 norm of all gradients (as {@code torch.nn.utils.clip_grad_norm_} computes it). */
    double gradientNorm() {
        double sum = 0;
        for (int g = 0; g < grads.length; g++) {
            sum += trainable(g) ? backend.sumOfSquares(grads[g]) : 0;
        }
        return Math.sqrt(sum);
    }

    /** Scales the gradients to a global norm of at most {@code maxNorm}; returns the norm before. */
    double clipGradientNorm(double maxNorm) {
        double norm = gradientNorm();
        double scale = maxNorm / (norm + 1e-6);
        for (int g = 0; scale < 1 && g < grads.length; g++) {
            if (trainable(g)) {
                backend.axpby(0, grads[g], scale, grads[g]);
            }
        }
        return norm;
    }

    /** Clamps every gradient element to [-clipValue, clipValue] with element-wise MIN and MAX. */
    void clipGradientValue(double clipValue) {
        if (!(clipValue > 0) || !Double.isFinite(clipValue)) {
            throw new IllegalArgumentException("clipValue: expected a finite number > 0, got " + clipValue);
        }
        for (int i = 0; i < grads.length; i++) {
            if (!trainable(i)) {
                continue;
            }
            Tensor g = grads[i];
            try (Tensor bound = backend.allocate(g.dtype(), g.shape())) {
                backend.fill(bound, clipValue);
                backend.binary(BinaryOp.MIN, g, bound, g);
                backend.fill(bound, -clipValue);
                backend.binary(BinaryOp.MAX, g, bound, g);
            }
        }
    }

    /** The name of the first parameter whose gradient holds a NaN or infinity, or null when all are finite. */
    String firstNonFiniteGradient() {
        if (embedding != null && trainable(embeddingGroup) && !backend.allFinite(grads[embeddingGroup])) {
            return EMBEDDING_WEIGHT;
        }
        for (int g = 0; g < grads.length; g++) {
            if (g != embeddingGroup && !backend.allFinite(grads[g])) {
                if (g == RNN) {
                    for (RnnParam p : spec.parameters()) {
                        for (double v : read(RNN_PREFIX + p.name(), grads)) {
                            if (!Double.isFinite(v)) {
                                return RNN_PREFIX + p.name();
                            }
                        }
                    }
                }
                if (g >= 3) {
                    return LAYER_NORM_PREFIX + (g - 3) / 2 + ((g - 3) % 2 == 0 ? ".weight" : ".bias");
                }
                return g == WEIGHT ? HEAD_WEIGHT : g == BIAS ? HEAD_BIAS : RNN_PREFIX + "(flat weights)";
            }
        }
        return null;
    }

    /** The group of a {@code layer_norms.<k>.weight/bias} name of this model, or -1 for any other name. */
    private int layerNormGroup(String name) {
        if (!layerNorm || name == null || !name.startsWith(LAYER_NORM_PREFIX)) {
            return -1;
        }
        String rest = name.substring(LAYER_NORM_PREFIX.length());
        for (int k = 0; k < spec.numLayers(); k++) {
            if (rest.equals(k + ".weight")) {
                return layerNormGroup(k, true);
            }
            if (rest.equals(k + ".bias")) {
                return layerNormGroup(k, false);
            }
        }
        return -1;
    }

    private String rnnName(String name) {
        if (name == null || !name.startsWith(RNN_PREFIX)) {
            throw new IllegalArgumentException("parameter '" + name + "' is not part of this model; expected one of "
                    + names());
        }
        return name.substring(RNN_PREFIX.length());
    }

    @Override
    public void close() {
        for (int g = 0; g < params.length; g++) {
            params[g].close();
            grads[g].close();
        }
    }
}

package dev.gated.engine.model;

import static dev.gated.engine.model.SequenceModel.EMBEDDING_WEIGHT;
import static dev.gated.engine.model.SequenceModel.HEAD_BIAS;
import static dev.gated.engine.model.SequenceModel.HEAD_WEIGHT;
import static dev.gated.engine.model.SequenceModel.INPUT_NORM_PREFIX;
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
    /** The names of the per-layer norms ({@code layer_norms.} or {@code batch_norms.}), or null without. */
    private final String normPrefix;
    /** The input BatchNorm's width, 0 without one. */
    private final int inputNormFeatures;
    /** The embedding's config, or null without one. */
    private final Embedding embedding;
    /** The embedding weight's group (the last one), or -1 without an embedding. */
    final int embeddingGroup;
    /**
     * Parameters and gradients by group (RNN, WEIGHT, BIAS, then per layer the norm's weight and bias, then the
     * input norm's weight and bias, then the embedding weight).
     */
    final Tensor[] params;
    final Tensor[] grads;

    /**
     * Zero parameters and gradients for an RNN of {@code plan}, a head of {@code outputSize}, the norms that
     * {@code stacking} asks for and an embedding ({@code embedding} may be null).
     */
    ModelParameters(Backend backend, RnnSpec spec, RnnPlan plan, int outputSize, Stacking stacking,
                    Embedding embedding) {
        this.backend = backend;
        this.spec = spec;
        this.plan = plan;
        this.normPrefix = stacking.layerNorm() ? SequenceModel.LAYER_NORM_PREFIX
                : stacking.batchNorm() ? SequenceModel.BATCH_NORM_PREFIX : null;
        this.inputNormFeatures = stacking.inputNorm() ? spec.inputSize() : 0;
        this.embedding = embedding;
        int fanIn = spec.outputSize();
        int lnEnd = 3 + (normPrefix != null ? 2 * spec.numLayers() : 0);
        int inEnd = lnEnd + (inputNormFeatures > 0 ? 2 : 0);
        int groups = inEnd + (embedding == null ? 0 : 1);
        this.embeddingGroup = embedding == null ? -1 : inEnd;
        Shape[] shapes = new Shape[groups];
        shapes[RNN] = Shape.of(plan.weightSpaceSize());
        shapes[WEIGHT] = Shape.of(outputSize, fanIn);
        shapes[BIAS] = Shape.of(outputSize);
        for (int g = 3; g < lnEnd; g++) {
            shapes[g] = Shape.of(fanIn);
        }
        for (int g = lnEnd; g < inEnd; g++) {
            shapes[g] = Shape.of(inputNormFeatures);
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

    /** The group of layer k's norm gain ({@code weight}) or bias. */
    static int layerNormGroup(int k, boolean weight) {
        return 3 + 2 * k + (weight ? 0 : 1);
    }

    private int normEnd() {
        return 3 + (normPrefix != null ? 2 * spec.numLayers() : 0);
    }

    /** The per-layer norms' gain, bias per layer among the groups {@code groups} (params or grads); empty without. */
    Tensor[] layerNorms(Tensor[] groups) {
        return Arrays.copyOfRange(groups, 3, normEnd());
    }

    /** The input norm's weight and bias among {@code groups}, or null without an input norm. */
    Tensor[] inputNorm(Tensor[] groups) {
        return inputNormFeatures > 0 ? Arrays.copyOfRange(groups, normEnd(), normEnd() + 2) : null;
    }

    /** The groups that are norm gains (weights), which start at 1. */
    List<Integer> normGainGroups() {
        List<Integer> gains = new ArrayList<>();
        for (int g = 3; g < normEnd() + (inputNormFeatures > 0 ? 2 : 0); g += 2) {
            gains.add(g);
        }
        return gains;
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
        if (inputNormFeatures > 0) {
            names.add(INPUT_NORM_PREFIX + "weight");
            names.add(INPUT_NORM_PREFIX + "bias");
        }
        for (RnnParam p : spec.parameters()) {
            names.add(RNN_PREFIX + p.name());
        }
        for (int k = 0; normPrefix != null && k < spec.numLayers(); k++) {
            names.add(normPrefix + k + ".weight");
            names.add(normPrefix + k + ".bias");
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
                if (g >= normEnd()) {
                    return INPUT_NORM_PREFIX + (g == normEnd() ? "weight" : "bias");
                }
                if (g >= 3) {
                    return normPrefix + (g - 3) / 2 + ((g - 3) % 2 == 0 ? ".weight" : ".bias");
                }
                return g == WEIGHT ? HEAD_WEIGHT : g == BIAS ? HEAD_BIAS : RNN_PREFIX + "(flat weights)";
            }
        }
        return null;
    }

    /**
     * The group of a {@code layer_norms.<k>.weight/bias}, {@code batch_norms.<k>.weight/bias} or
     * {@code input_norm.weight/bias} name of this model, or -1 for any other name.
     */
    private int layerNormGroup(String name) {
        if (inputNormFeatures > 0 && (INPUT_NORM_PREFIX + "weight").equals(name)) {
            return normEnd();
        }
        if (inputNormFeatures > 0 && (INPUT_NORM_PREFIX + "bias").equals(name)) {
            return normEnd() + 1;
        }
        if (normPrefix == null || name == null || !name.startsWith(normPrefix)) {
            return -1;
        }
        String rest = name.substring(normPrefix.length());
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

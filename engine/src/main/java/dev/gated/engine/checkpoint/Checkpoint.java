package dev.gated.engine.checkpoint;

import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to continue a run exactly: an immutable value (the maps are copied and unmodifiable, and
 * {@link HostTensor} and {@link TrainingState} are immutable). See {@link CheckpointFiles} for how it is stored.
 *
 * @param modelTensors     the model's parameters by their PyTorch-compatible names ({@code rnn.weight_ih_l0},
 *                         {@code head.weight}, ...), in the order they are written; at least one; no name may start
 *                         with {@value CheckpointFiles#OPTIMIZER_PREFIX}
 * @param optimizerTensors the optimizer's state tensors (e.g. {@code exp_avg.rnn.weight_ih_l0}), named without the
 *                         {@value CheckpointFiles#OPTIMIZER_PREFIX} prefix the file adds; may be empty; a
 *                         {@code training.tbptt} run adds the carried recurrent state here ({@code tbptt.h.<k>},
 *                         {@code tbptt.c.<k>}), which the optimizer ignores
 * @param state            step, epoch, data position, RNG and optimizer state
 * @param config           the resolved job configuration (YAML text); may be empty, not null
 * @param metrics          free-form metrics, e.g. {@code "val_loss" -> "0.0123"}; may be empty
 */
public record Checkpoint(Map<String, HostTensor> modelTensors, Map<String, HostTensor> optimizerTensors,
                         TrainingState state, String config, Map<String, String> metrics) {
    public Checkpoint {
        modelTensors = copyTensors("modelTensors", modelTensors);
        optimizerTensors = copyTensors("optimizerTensors", optimizerTensors);
        if (modelTensors.isEmpty()) {
            throw new IllegalArgumentException("modelTensors: a checkpoint needs at least one model tensor");
        }
        for (String name : modelTensors.keySet()) {
            if (name.startsWith(CheckpointFiles.OPTIMIZER_PREFIX)) {
                throw new IllegalArgumentException("modelTensors: name '" + name + "' starts with '"
                        + CheckpointFiles.OPTIMIZER_PREFIX + "', which the file format reserves for optimizer state");
            }
        }
        if (state == null) {
            throw new IllegalArgumentException("state: required, got null");
        }
        if (config == null) {
            throw new IllegalArgumentException("config: required, got null (use \"\" for none)");
        }
        if (metrics == null) {
            throw new IllegalArgumentException("metrics: required, got null (use an empty map for none)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metrics.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("metrics: keys must be non-empty and values non-null, got '"
                        + e.getKey() + "' -> " + e.getValue());
            }
            m.put(e.getKey(), e.getValue());
        }
        metrics = Collections.unmodifiableMap(m);
    }

    private static Map<String, HostTensor> copyTensors(String what, Map<String, HostTensor> tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(what + ": required, got null (use an empty map for none)");
        }
        Map<String, HostTensor> copy = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(SafeTensors.METADATA_KEY) || e.getValue() == null) {
                throw new IllegalArgumentException(what + ": bad entry '" + name + "' (names must be non-empty and not "
                        + SafeTensors.METADATA_KEY + ", tensors non-null)");
            }
            copy.put(name, e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    /** This checkpoint with other metrics (e.g. to mark the one saved as {@code best}). */
    public Checkpoint withMetrics(Map<String, String> newMetrics) {
        return new Checkpoint(modelTensors, optimizerTensors, state, config, newMetrics);
    }
}

package dev.gated.engine.train;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.SafeTensors;
import dev.gated.engine.model.ParameterSet;
import dev.gated.engine.util.FloatArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights as a safetensors file with exactly PyTorch's names and shapes ({@code rnn.weight_ih_l0}, ...,
 * {@code head.weight}, {@code head.bias}), float32: what {@code model.safetensors} in a run folder holds, what
 * {@code model.init_from} reads, and what {@code torch.nn.Module.load_state_dict} accepts.
 */
public final class ModelFiles {
    /** The {@code format} metadata value of a model file. */
    public static final String FORMAT = "gated-model";
    /** Metadata keys: the resolved job (YAML) and the fitted preprocessing (JSON), so the file decodes as its run. */
    public static final String CONFIG = "config";
    public static final String PREPROCESSING = "preprocessing";

    private ModelFiles() {
    }

    /**
     * The model's parameters as float32 host tensors, in state_dict order, then its buffers (BatchNorm running
     * statistics) as the model reads them.
     */
    public static Map<String, HostTensor> snapshot(ParameterSet model) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            out.put(name, HostTensor.ofFloats(model.parameterShape(name),
                    FloatArrays.toFloat(model.read(name, model.parameterGroups()))));
        }
        for (String name : model.bufferNames()) {
            out.put(name, model.readBuffer(name));
        }
        return out;
    }

    /** The parameter and buffer names and shapes the model expects, in state_dict order. */
    public static Map<String, Shape> expected(ParameterSet model) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (String name : model.parameterNames()) {
            out.put(name, model.parameterShape(name));
        }
        for (String name : model.bufferNames()) {
            out.put(name, model.bufferShape(name));
        }
        return out;
    }

    /** Copies tensors into the model after checking they are exactly its parameters. */
    public static void load(ParameterSet model, Map<String, HostTensor> tensors, String source) {
        CheckpointFiles.verifyTensors(source, tensors, expected(model));
        for (String name : model.parameterNames()) {
            model.write(name, tensors.get(name).toDoubleArray(), model.parameterGroups());
        }
        for (String name : model.bufferNames()) {
            model.writeBuffer(name, tensors.get(name));
        }
    }

    /** Reads a safetensors weights file into the model (its names and shapes must match exactly). */
    public static void load(ParameterSet model, Path file) throws IOException {
        load(model, SafeTensors.read(file).tensors(), file.toString());
    }

    /** Writes the weights atomically, with {@code format: gated-model} and the given metadata. */
    public static void write(Path file, Map<String, HostTensor> weights, Map<String, String> metadata)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.putAll(metadata);
        SafeTensors.write(file, weights, meta);
    }
}

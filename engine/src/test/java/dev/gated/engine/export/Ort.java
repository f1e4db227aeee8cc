package dev.gated.engine.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a serialised ONNX model in ONNX Runtime (CPU) on plain Java arrays. Call {@link OrtAvailable#assume} first. */
public final class Ort {
    private Ort() {
    }

    /** An input tensor: exactly one of floats, ints, longs. */
    public record Input(long[] shape, float[] floats, int[] ints, long[] longs) {
        public static Input floats(float[] v, long... shape) {
            return new Input(shape, v, null, null);
        }

        public static Input ints(int[] v, long... shape) {
            return new Input(shape, null, v, null);
        }

        public static Input longs(long[] v, long... shape) {
            return new Input(shape, null, null, v);
        }
    }

    /** Every float output of the model, flattened row-major, by name. */
    public static Map<String, float[]> run(byte[] model, Map<String, Input> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Full optimisation may fuse nodes; the results must not depend on it, so keep the default level.
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                for (Map.Entry<String, Input> e : inputs.entrySet()) {
                    Input in = e.getValue();
                    tensors.put(e.getKey(), in.floats() != null
                            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(in.floats()), in.shape())
                            : in.ints() != null ? OnnxTensor.createTensor(env, IntBuffer.wrap(in.ints()), in.shape())
                            : OnnxTensor.createTensor(env, LongBuffer.wrap(in.longs()), in.shape()));
                }
                Map<String, float[]> out = new LinkedHashMap<>();
                try (OrtSession.Result result = session.run(tensors)) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        out.put(e.getKey(), v);
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}

package dev.gated.engine.checkpoint;

import dev.gated.engine.backend.Shape;
import dev.gated.engine.io.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small checkpoints for the tests. */
final class CheckpointTestData {
    private CheckpointTestData() {
    }

    static Checkpoint checkpoint(long step) {
        return checkpoint(step, 0.01f * step);
    }

    static Checkpoint checkpoint(long step, float offset) {
        Map<String, HostTensor> model = new LinkedHashMap<>();
        model.put("rnn.weight_ih_l0", floats(Shape.of(8, 3), offset));
        model.put("rnn.weight_hh_l0", floats(Shape.of(8, 2), offset + 1));
        model.put("rnn.bias_ih_l0", floats(Shape.of(8), offset + 2));
        model.put("head.weight", floats(Shape.of(1, 2), offset + 3));
        model.put("head.bias", HostTensor.ofDoubles(Shape.of(1), new double[] {Math.PI + offset}));
        Map<String, HostTensor> optimizer = new LinkedHashMap<>();
        optimizer.put("exp_avg.head.weight", floats(Shape.of(1, 2), -offset));
        optimizer.put("step_counts", HostTensor.ofLongs(Shape.of(2), new long[] {step, Long.MIN_VALUE}));
        optimizer.put("scalar", HostTensor.ofInts(Shape.of(), new int[] {-7}));
        TrainingState state = new TrainingState(step, 2, 17, new long[] {0x9E3779B97F4A7C15L, -1L, 42L}, "adam",
                step + 5, 1e-3);
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put("val_loss", "0.0123");
        metrics.put("train_loss", "0.02");
        String config = "model:\n  type: lstm\n  hidden: 2\nname: \"ünïcode, quotes \\\" and\ttabs\"\n";
        return new Checkpoint(model, optimizer, state, config, metrics);
    }

    /** Values with awkward bit patterns: negative zero, NaN with a payload, subnormals, infinities. */
    static HostTensor floats(Shape shape, float offset) {
        float[] v = new float[shape.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 6) {
                case 0 -> -0.0f;
                case 1 -> Float.intBitsToFloat(0x7fc01234);
                case 2 -> Float.MIN_VALUE;
                case 3 -> Float.NEGATIVE_INFINITY;
                default -> offset + i * 0.1f;
            };
        }
        return HostTensor.ofFloats(shape, v);
    }
}
